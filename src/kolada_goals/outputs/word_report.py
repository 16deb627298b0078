"""The status chapter of one kommun as a Word document (.docx), in Swedish.

The document is a chapter to paste into a kommun's own report, in Word's built-in styles only,
so that pasted text takes the styles of the report it lands in. Its title is Heading 1, the
level of a chapter; its sections (Vision, Sammanfattning, Så bedöms statusen, Mål och
indikatorer, Källor) are Heading 2; the top goals are Heading 3 and each level of sub-goals one
heading further down, at most Heading 9. Pasted under a heading of level n, the chapter's
headings are best demoted by n (Word: promote/demote in the outline view).

Per goal the document shows its status and reason, a table of its indicators (value and
period, target, reference, deviation, status and motivation; the header row repeats on every
page) and a chart per KPI, an image whose text alternative is the HTML report's label of the
same chart. A status reads as symbol and word as well as colour. Values from Kolada are
labelled "Källa: Kolada"; comparisons, deviations and statuses are labelled as our own
processing of Kolada's data, as are the county means in the charts.

It shows what the HTML report shows, read the same way (report.report_content).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
from docx import Document
from docx.document import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Length, Pt, RGBColor
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from kolada_goals.atomic_file import write_file_atomically
from kolada_goals.outputs.chart_images import (
    HEIGHT_CM,
    SCATTER_HEIGHT_CM,
    SCATTER_WIDTH_CM,
    WIDTH_CM,
    chart_png,
    scatter_png,
)
from kolada_goals.outputs.cost_quality import CostQualityChart
from kolada_goals.outputs.export import STATUS_RULE_ROWS
from kolada_goals.outputs.labels import MODE_LABELS, STATUS_COLOURS, status_text
from kolada_goals.outputs.queries import KommunDefinition, ReportScope, query_rows
from kolada_goals.outputs.report import (
    COMPUTED_SOURCE,
    FORECAST_VALUE_SOURCE,
    LOCAL_VALUE_SOURCE,
    STATUS_ORDER,
    VALUE_SOURCE,
    LevelSummary,
    ReportContent,
    ReportGoal,
    ReportIndicator,
    report_content,
)

CHAPTER_HEADING = 1  # the title
SECTION_HEADING = CHAPTER_HEADING + 1
TOP_GOAL_HEADING = CHAPTER_HEADING + 2  # each level of sub-goals one further down
DEEPEST_HEADING = 9  # Word's last built-in heading style

KOLADA_SOURCE = "Källa: Kolada"
OWN_PROCESSING = "Egen bearbetning av data från Kolada"
GOAL_STATUS_SOURCE = f"Målens status: {OWN_PROCESSING}"
# Two lines, never one: the kommun's values and Riket are Kolada's, the county means ours.
CHART_SOURCES = (
    f"Diagram, kommunens värden och riket: {KOLADA_SOURCE}",
    f"Diagram, länets snitt: {OWN_PROCESSING}",
)
SCATTER_SOURCES = (
    f"Kostnad och kvalitet, kommunernas värden: {KOLADA_SOURCE}",
    f"Kostnad och kvalitet, medelvärden och kvadranter: {OWN_PROCESSING}",
)
LOCAL_VALUES_NOTE = "Lokala mått: kommunens egen uppgift"
FORECASTS_NOTE = "Prognoser: egen prognos"
AUTHOR = "kolada-goals"
LANGUAGE = "sv-SE"
# Arial is on every office computer, and LibreOffice has its metrics (Liberation Sans): the
# template's theme fonts (Cambria, Calibri) are not everywhere.
FONT = "Arial"


@dataclass(frozen=True)
class Shading:
    """A background and the text on it, as RRGGBB."""

    fill: str
    text: str


# The HTML report's status colours (labels.STATUS_COLOURS), as Word writes them.
STATUS_SHADING = {
    status: Shading(colours.fill.lstrip("#").upper(), colours.text.lstrip("#").upper())
    for status, colours in STATUS_COLOURS.items()
}
HEADER_SHADING = Shading("E8EAED", "1A1A1A")
PAGE_COLOUR = "FFFFFF"
MUTED_COLOUR = "555555"  # small print
HEADING_COLOUR = "1F3864"  # the template's blue headings and captions are 4.0:1 only
MINIMUM_CONTRAST = 4.5  # WCAG 2, level AA, for text of any size
# Every text colour of the document on its background (body text is black on white).
CONTRAST_PAIRS = {
    **{f"status {status}": (s.text, s.fill) for status, s in STATUS_SHADING.items()},
    "table header": (HEADER_SHADING.text, HEADER_SHADING.fill),
    "small print": (MUTED_COLOUR, PAGE_COLOUR),
    "headings and captions": (HEADING_COLOUR, PAGE_COLOUR),
}

LEFT, RIGHT, CENTER = WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.CENTER


@dataclass(frozen=True)
class Column:
    header: str
    width_cm: float
    align: WD_ALIGN_PARAGRAPH = LEFT


# A4 with 2 cm margins: 17 cm of text width, which the indicator tables fill.
PAGE_WIDTH, PAGE_HEIGHT, MARGIN = Cm(21.0), Cm(29.7), Cm(2.0)
BODY_SIZE, TABLE_SIZE, SMALL_SIZE = Pt(10), Pt(8.5), Pt(7.5)
INDICATOR_COLUMNS = (
    Column("Indikator", 3.6),
    Column("Värde (period)", 2.2, RIGHT),  # figures right-aligned
    Column("Målvärde", 1.8, RIGHT),
    Column("Referens", 2.6, RIGHT),
    Column("Avvikelse %", 2.0, RIGHT),
    Column("Status", 2.0),
    Column("Motivering/orsak", 2.8),
)
SUMMARY_LEVEL_WIDTH, SUMMARY_COUNT_WIDTH = 5.0, 2.0

# Where a child element goes among its siblings (the schema's order; python-docx does not
# model these children): the tags that must come after it.
_AFTER_RUN_SHADING = ("w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang",
                      "w:eastAsianLayout", "w:specVanish", "w:oMath")  # fmt: skip
_AFTER_CELL_SHADING = ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign",
                       "w:hideMark", "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge",
                       "w:tcPrChange")  # fmt: skip
_AFTER_CANT_SPLIT = ("w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden",
                     "w:ins", "w:del", "w:trPrChange")  # fmt: skip
_AFTER_TABLE_HEADER = ("w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange")
_AFTER_TABLE_CAPTION = ("w:tblDescription", "w:tblPrChange")
_AFTER_TABLE_DESCRIPTION = ("w:tblPrChange",)
# Characters XML 1.0 cannot hold (titles and reasons are data and may carry them): each is
# shown as U+FFFD. Tabs and line breaks are kept.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# --- Contrast ------------------------------------------------------------------------------


def relative_luminance(colour: str) -> float:
    """WCAG 2's relative luminance of an RRGGBB colour, from 0 (black) to 1 (white)."""

    def linear(channel: str) -> float:
        value = int(channel, 16) / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(colour[i : i + 2]) for i in (0, 2, 4))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2's contrast ratio of two RRGGBB colours, from 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)))[::-1]
    return (lighter + 0.05) / (darker + 0.05)


# --- Writing -------------------------------------------------------------------------------


def write_word_report(
    con: duckdb.DuckDBPyConnection,
    kommun_id: str,
    out: Path,
    mode: str = "outcome",
    year: int | None = None,
) -> Path:
    """Write the Word document of `kommun_id` for one mode and year (default: as the HTML
    report) to `out`, a file or an existing folder to name the file in, and return the file's
    path. The file is replaced whole, never left half written. Raises ReportError when there is
    nothing to report."""
    today = date.today()
    content = report_content(con, kommun_id, mode, year, today)
    document = word_document(content, reference_sources(con, content.scope), today)
    if out.is_dir():
        out = out / f"maluppfyllelse-{kommun_id}-{mode}-{content.scope.year}.docx"
    out.parent.mkdir(parents=True, exist_ok=True)
    data = io.BytesIO()
    document.save(data)
    write_file_atomically(out, data.getvalue(), overwrite=True)
    return out


def reference_sources(con: duckdb.DuckDBPyConnection, scope: ReportScope) -> dict[str, str]:
    """indicator id -> where its reference value comes from: KOLADA_SOURCE for Kolada's own
    values (Riket), else our processing; references computed outside the marts are absent."""
    rows = query_rows(con, "outputs/word/reference_sources.sql", scope.parameters)
    return {row["indicator_id"]: row["source_label"] for row in rows}


def word_document(content: ReportContent, references: dict[str, str], today: date) -> WordDocument:
    """The document of one report; `references` as reference_sources gives them."""
    scope = content.scope
    definition = scope.definition
    title = f"Måluppfyllelse {definition.kommun_name} {scope.year}"
    document = Document()
    _set_up(document, title, scope)
    _add_heading(document, title, CHAPTER_HEADING)
    _add_paragraph(document, MODE_LABELS[scope.mode], bold=True)
    _add_paragraph(document, _scope_text(scope), colour=MUTED_COLOUR)
    _add_vision(document, definition)
    _add_summary(document, content.summary, scope.year)
    _add_rule(document)
    _add_heading(document, "Mål och indikatorer", SECTION_HEADING)
    for goal in content.goals:
        _add_goal(document, goal, references)
    _add_sources(document, content.value_sources, today)
    return document


# --- The document's parts ------------------------------------------------------------------


def _scope_text(scope: ReportScope) -> str:
    definition = scope.definition
    shown = (
        f"visar senaste publicerade utfall till och med {scope.year}"
        if scope.mode == "outcome"
        else f"visar prognos för {scope.year}, eller utfall där det redan finns"
    )
    return (
        f"Kommun {definition.kommun_name} ({scope.kommun_id}) · mandatperiod "
        f"{definition.mandate_first_year}–{definition.mandate_last_year} · {shown}"
    )


def _add_vision(document: WordDocument, definition: KommunDefinition) -> None:
    _add_heading(document, "Vision", SECTION_HEADING)
    paragraph = _add_paragraph(document, definition.vision, italic=True)
    if definition.vision_year:
        _add_run(paragraph, f" (vision {definition.vision_year})", colour=MUTED_COLOUR)
    if definition.policy_source:
        _add_paragraph(document, f"Styrdokument: {definition.policy_source}", colour=MUTED_COLOUR)
    if definition.note:
        _add_paragraph(document, f"Om målen: {definition.note}", colour=MUTED_COLOUR)


def _add_summary(document: WordDocument, summary: Sequence[LevelSummary], year: int) -> None:
    _add_heading(document, "Sammanfattning", SECTION_HEADING)
    caption = f"Antal mål per nivå och status {year}"
    _add_caption(document, caption)
    columns = [
        Column("Nivå", SUMMARY_LEVEL_WIDTH),
        *(Column(status_text(status), SUMMARY_COUNT_WIDTH, CENTER) for status in STATUS_ORDER),
        Column("Totalt", SUMMARY_COUNT_WIDTH, CENTER),
    ]
    table = _add_table(document, columns, caption)
    for cell, status in zip(
        table.rows[0].cells[1 : 1 + len(STATUS_ORDER)], STATUS_ORDER, strict=True
    ):
        _shade_cell(cell, STATUS_SHADING[status])
    for level in summary:
        cells = _add_row(table)
        _write_cell(cells[0], level.level)
        counts = [str(count) for _, _, count in level.counts]
        for cell, text in zip(cells[1:], [*counts, str(level.total)], strict=True):
            _write_cell(cell, text, align=CENTER)
    _add_source_note(document, GOAL_STATUS_SOURCE)


def _add_rule(document: WordDocument) -> None:
    _add_heading(document, "Så bedöms statusen", SECTION_HEADING)
    paragraph = _add_paragraph(document, "Statusen visas med symbol och ord, inte bara färg: ")
    for number, status in enumerate(STATUS_ORDER):
        if number:
            _add_run(paragraph, " ")
        _add_status_run(paragraph, status)
    for name, text in STATUS_RULE_ROWS:
        paragraph = _add_paragraph(document, f"{name}. ", bold=True)
        _add_run(paragraph, text)


def _add_goal(document: WordDocument, goal: ReportGoal, references: dict[str, str]) -> None:
    _add_heading(document, goal.title, min(TOP_GOAL_HEADING + goal.depth, DEEPEST_HEADING))
    about = " · ".join(part for part in (goal.level, goal.owner) if part)
    if about:
        paragraph = _add_paragraph(document, about, colour=MUTED_COLOUR, size=SMALL_SIZE)
        paragraph.paragraph_format.space_after = Pt(2)
        paragraph.paragraph_format.keep_with_next = True
    status = _add_paragraph(document, "Status: ")
    _add_status_run(status, goal.status)
    _add_run(status, f" {goal.reason}")
    status.paragraph_format.keep_with_next = bool(goal.indicators) or None
    if goal.indicators:
        _add_indicator_table(document, goal, references)
        _add_source_note(document, COMPUTED_SOURCE)
        images = [_add_chart(document, indicator) for indicator in goal.indicators]
        drawn = [image for image in images if image is not None]
        if drawn:
            drawn[-1].paragraph_format.keep_with_next = True  # the sources stay under it
            for number, line in enumerate(CHART_SOURCES, start=1):
                _add_source_note(document, line, keep_with_next=number < len(CHART_SOURCES))
    for chart in goal.cost_quality:
        _add_scatter(document, chart)
    for child in goal.children:
        _add_goal(document, child, references)


def _add_indicator_table(
    document: WordDocument, goal: ReportGoal, references: dict[str, str]
) -> None:
    _add_caption(document, "Indikatorer")
    table = _add_table(document, INDICATOR_COLUMNS, f"Indikatorer för {goal.title}")
    for indicator in goal.indicators:
        cells = _add_row(table)
        _write_cell(cells[0], indicator.title)
        _add_cell_line(cells[0], indicator.kpi_id or "Lokalt mått")
        _write_cell(cells[1], indicator.value, align=RIGHT)
        _add_cell_line(cells[1], indicator.period, align=RIGHT)
        if indicator.value_source:
            _add_cell_line(cells[1], indicator.value_source, align=RIGHT)
        _write_cell(cells[2], indicator.target, align=RIGHT)
        _write_reference(cells[3], indicator, references.get(indicator.indicator_id))
        _write_cell(cells[4], indicator.deviation, align=RIGHT)
        _write_status_cell(cells[5], indicator.status)
        _write_cell(cells[6], indicator.reason or "")
        if indicator.motivation:
            _add_cell_line(cells[6], f"Motivering: {indicator.motivation}")
        if indicator.analysis:
            _add_cell_line(cells[6], indicator.analysis)


def _write_reference(cell: _Cell, indicator: ReportIndicator, source: str | None) -> None:
    """The reference value, its kind, and its source when that is Kolada itself (Riket); the
    other references are our means, under the table's note on our processing."""
    _write_cell(cell, indicator.reference_value, align=RIGHT)
    kind = indicator.reference_kind
    if indicator.reference_note:
        kind = f"{kind} ({indicator.reference_note})"
    _add_cell_line(cell, kind, align=RIGHT)
    if source == KOLADA_SOURCE:
        _add_cell_line(cell, KOLADA_SOURCE, align=RIGHT)


def _add_chart(document: WordDocument, indicator: ReportIndicator) -> Paragraph | None:
    """The chart as an image under its caption (the paragraph of the image), or in words when
    there is nothing to draw."""
    chart = indicator.chart
    if chart is None:
        return None
    if chart.empty:  # nothing to draw: the chart's label says so in words
        _add_paragraph(
            document, chart.aria_label, italic=True, colour=MUTED_COLOUR, size=SMALL_SIZE
        )
        return None
    _add_caption(document, f"Diagram: {indicator.title}")
    paragraph = document.add_paragraph()
    picture = paragraph.add_run().add_picture(
        io.BytesIO(chart_png(chart)), width=Cm(WIDTH_CM), height=Cm(HEIGHT_CM)
    )
    # The text alternative (Word: Alt Text) lives on the drawing's docPr, which python-docx
    # leaves without one.
    properties = picture._inline.docPr
    properties.set("descr", _xml_text(chart.aria_label))
    properties.set("name", f"Diagram {indicator.indicator_id}")
    return paragraph


def _add_scatter(document: WordDocument, chart: CostQualityChart) -> None:
    """The cost-quality scatter under its caption, the kommun's quadrant in words under it."""
    _add_caption(
        document,
        f"Kostnad och kvalitet {chart.period}: {chart.quality_title} mot {chart.cost_title} "
        f"({chart.kommun_count} kommuner: {chart.reference})",
    )
    paragraph = document.add_paragraph()
    picture = paragraph.add_run().add_picture(
        io.BytesIO(scatter_png(chart)), width=Cm(SCATTER_WIDTH_CM), height=Cm(SCATTER_HEIGHT_CM)
    )
    properties = picture._inline.docPr
    properties.set("descr", _xml_text(chart.aria_label))
    properties.set("name", f"Kostnad och kvalitet {chart.quality_indicator_id}")
    paragraph.paragraph_format.keep_with_next = True
    note = _add_paragraph(document, f"{chart.kommun.member_name}: ")
    _add_run(note, chart.quadrant_label, bold=True)
    _add_run(note, f" – kvalitet {chart.quality_text}, kostnad {chart.cost_text}.")
    note.paragraph_format.keep_with_next = True
    for number, line in enumerate(SCATTER_SOURCES, start=1):
        _add_source_note(document, line, keep_with_next=number < len(SCATTER_SOURCES))


def _add_sources(document: WordDocument, value_sources: set[str], today: date) -> None:
    _add_heading(document, "Källor", SECTION_HEADING)
    lines = [VALUE_SOURCE, COMPUTED_SOURCE, *CHART_SOURCES]
    if LOCAL_VALUE_SOURCE in value_sources:
        lines.append(LOCAL_VALUES_NOTE)
    if FORECAST_VALUE_SOURCE in value_sources:
        lines.append(FORECASTS_NOTE)
    for line in lines:  # kept together, with the date
        _add_paragraph(document, line, style="List Bullet").paragraph_format.keep_with_next = True
    _add_paragraph(document, f"Dokumentet skapades {today.isoformat()}.")


# --- Set-up --------------------------------------------------------------------------------


def _set_up(document: WordDocument, title: str, scope: ReportScope) -> None:
    """A4 in Swedish; headings and captions dark enough to read; the file's properties."""
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.left_margin = section.right_margin = MARGIN
    section.top_margin = section.bottom_margin = MARGIN
    document.styles["Normal"].font.size = BODY_SIZE
    for fonts in document.styles.element.iter(qn("w:rFonts")):
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme"):  # these win over names
            fonts.attrib.pop(qn(theme), None)
        for script in ("w:ascii", "w:hAnsi", "w:cs"):
            fonts.set(qn(script), FONT)
    for level in range(1, DEEPEST_HEADING + 1):
        document.styles[f"Heading {level}"].font.color.rgb = RGBColor.from_string(HEADING_COLOUR)
    document.styles["Caption"].font.color.rgb = RGBColor.from_string(HEADING_COLOUR)
    # The template's default language is en-US: Swedish for spelling and screen readers.
    for language in document.styles.element.iter(qn("w:lang")):
        language.set(qn("w:val"), LANGUAGE)
    properties = document.core_properties
    now = datetime.now(UTC).replace(microsecond=0)
    properties.title = _xml_text(title)
    properties.subject = f"{MODE_LABELS[scope.mode]}, {scope.year}"
    properties.author = properties.last_modified_by = AUTHOR
    properties.comments = ""
    properties.language = LANGUAGE
    properties.created = properties.modified = now
    properties.keywords = _xml_text(f"måluppfyllelse; {scope.definition.kommun_name}; Kolada")
    properties.revision = 1


# --- Paragraphs and runs -------------------------------------------------------------------


def _xml_text(text: str) -> str:
    return _NOT_IN_XML.sub("\ufffd", text)


def _add_heading(document: WordDocument, text: str, level: int) -> None:
    document.add_heading(_xml_text(text), level)


def _add_paragraph(
    document: WordDocument,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    colour: str | None = None,
    size: Length | None = None,
    style: str | None = None,
) -> Paragraph:
    paragraph = document.add_paragraph(style=style)
    _add_run(paragraph, text, bold=bold, italic=italic, colour=colour, size=size)
    return paragraph


def _add_run(
    paragraph: Paragraph,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    colour: str | None = None,
    size: Length | None = None,
) -> Run:
    run = paragraph.add_run(_xml_text(text))
    run.bold = bold or None
    run.italic = italic or None
    if colour is not None:
        run.font.color.rgb = RGBColor.from_string(colour)
    if size is not None:
        run.font.size = size
    return run


def _add_status_run(paragraph: Paragraph, status: str) -> Run:
    """Symbol and word of `status` on its colour, e.g. "✓ Grönt" in white on green; the
    no-break spaces pad the colour around the words."""
    shading = STATUS_SHADING.get(status, STATUS_SHADING["grey"])
    run = _add_run(paragraph, f"\u00a0{status_text(status)}\u00a0", bold=True, colour=shading.text)
    _insert_shading(run._r.get_or_add_rPr(), shading.fill, _AFTER_RUN_SHADING)
    return run


def _add_caption(document: WordDocument, text: str) -> None:
    caption = _add_paragraph(document, text, style="Caption")
    caption.paragraph_format.keep_with_next = True
    caption.paragraph_format.space_before = Pt(6)
    caption.paragraph_format.space_after = Pt(2)


def _add_source_note(document: WordDocument, text: str, *, keep_with_next: bool = False) -> None:
    paragraph = _add_paragraph(document, text, colour=MUTED_COLOUR, size=SMALL_SIZE)
    layout = paragraph.paragraph_format
    layout.space_before, layout.space_after = Pt(2), Pt(4)
    layout.keep_with_next = keep_with_next or None


# --- Tables --------------------------------------------------------------------------------


def _add_table(document: WordDocument, columns: Sequence[Column], caption: str) -> Table:
    """A table with a header row that Word repeats on every page and the caption as its alt
    text."""
    table: Table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    for table_column, column in zip(table.columns, columns, strict=True):
        table_column.width = Cm(column.width_cm)
    header = table.rows[0]
    _keep_row_together(header)
    _insert_child(header._tr.get_or_add_trPr(), "w:tblHeader", {}, _AFTER_TABLE_HEADER)
    for cell, column in zip(header.cells, columns, strict=True):
        cell.width = Cm(column.width_cm)
        _shade_cell(cell, HEADER_SHADING)
        _write_cell(cell, column.header, bold=True, align=column.align, colour=HEADER_SHADING.text)
    properties = table._tbl.tblPr
    alt_text = {"w:val": _xml_text(caption)}
    _insert_child(properties, "w:tblCaption", alt_text, _AFTER_TABLE_CAPTION)
    _insert_child(properties, "w:tblDescription", alt_text, _AFTER_TABLE_DESCRIPTION)
    return table


def _add_row(table: Table) -> list[_Cell]:
    """A new row, kept on one page, its cells as wide as the header's."""
    row: _Row = table.add_row()  # type: ignore[no-untyped-call]  # python-docx leaves it untyped
    _keep_row_together(row)
    for cell, header in zip(row.cells, table.rows[0].cells, strict=True):
        cell.width = header.width
    return list(row.cells)


def _write_cell(
    cell: _Cell,
    text: str,
    *,
    bold: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
    colour: str | None = None,
) -> Paragraph:
    """`text` as the cell's first paragraph."""
    paragraph: Paragraph = cell.paragraphs[0]
    _tighten(paragraph, align)
    _add_run(paragraph, text, bold=bold, colour=colour, size=TABLE_SIZE)
    return paragraph


def _add_cell_line(cell: _Cell, text: str, *, align: WD_ALIGN_PARAGRAPH | None = None) -> None:
    """A line of small print under the cell's text."""
    paragraph = cell.add_paragraph()
    _tighten(paragraph, align)
    _add_run(paragraph, text, colour=MUTED_COLOUR, size=SMALL_SIZE)


def _write_status_cell(cell: _Cell, status: str) -> None:
    paragraph = cell.paragraphs[0]
    _tighten(paragraph, None)
    _add_status_run(paragraph, status).font.size = TABLE_SIZE


def _tighten(paragraph: Paragraph, align: WD_ALIGN_PARAGRAPH | None) -> None:
    layout = paragraph.paragraph_format
    layout.space_before = layout.space_after = Pt(0)
    layout.line_spacing = 1.0
    if align is not None:
        paragraph.alignment = align


def _shade_cell(cell: _Cell, shading: Shading) -> None:
    _insert_shading(cell._tc.get_or_add_tcPr(), shading.fill, _AFTER_CELL_SHADING)
    for paragraph in cell.paragraphs:
        for run in paragraph.runs:
            run.font.color.rgb = RGBColor.from_string(shading.text)


def _keep_row_together(row: _Row) -> None:
    _insert_child(row._tr.get_or_add_trPr(), "w:cantSplit", {}, _AFTER_CANT_SPLIT)


# --- OOXML ---------------------------------------------------------------------------------


def _insert_shading(properties: BaseOxmlElement, fill: str, successors: Sequence[str]) -> None:
    attributes = {"w:val": "clear", "w:color": "auto", "w:fill": fill}
    _insert_child(properties, "w:shd", attributes, successors)


def _insert_child(
    parent: BaseOxmlElement, tag: str, attributes: dict[str, str], successors: Sequence[str]
) -> None:
    """A new `tag` child of `parent`, replacing any of the same tag, before the `successors`."""
    for old in parent.findall(qn(tag)):
        parent.remove(old)
    child = OxmlElement(tag, attrs={qn(name): value for name, value in attributes.items()})
    parent.insert_element_before(child, *successors)
