"""The status chapter as a Word document, read back with python-docx: headings follow the goal
tree, indicators sit in tables with repeating header rows, statuses read as symbol and word
on colours that contrast, Kolada is named only for Kolada's values, charts are images with
the HTML report's text alternatives; and LibreOffice renders it.

On two databases: one built from the real samples, and one from the offline demo's synthetic
Kolada, which needs no samples."""

from __future__ import annotations

import asyncio
import html
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import docx
import duckdb
import httpx
import pytest
from docx.document import Document as WordDocument
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from kolada_goals.extract.client import ClientSettings, KoladaClient
from kolada_goals.fake import create_app
from kolada_goals.fake.offline import offline_dataset
from kolada_goals.goals.store import load_goal_definitions
from kolada_goals.load import pipeline
from kolada_goals.outputs.export import STATUS_RULE_ROWS
from kolada_goals.outputs.goal_tree import goal_tree, walk_goals
from kolada_goals.outputs.labels import MODE_LABELS, STATUS_LABELS, status_text
from kolada_goals.outputs.queries import ReportError, ReportScope, indicator_rows, resolve_report
from kolada_goals.outputs.report import (
    COMPUTED_SOURCE,
    STATUS_ORDER,
    ReportContent,
    ReportGoal,
    render_report,
    report_content,
)
from kolada_goals.outputs.word_report import (
    CONTRAST_PAIRS,
    HEADING_COLOUR,
    INDICATOR_COLUMNS,
    KOLADA_SOURCE,
    MINIMUM_CONTRAST,
    OWN_PROCESSING,
    PAGE_COLOUR,
    STATUS_SHADING,
    contrast_ratio,
    write_word_report,
)
from kolada_goals.status.marts import build_marts
from kolada_goals.warehouse import apply_schema, connect
from tests.helpers import require_samples
from tests.sample_warehouse import ROOT, sample_warehouse

SECTIONS = ["Vision", "Sammanfattning", "Så bedöms statusen", "Mål och indikatorer", "Källor"]
OFFLINE_GOAL_FILES = ("2425-dorotea.yaml", "2080-falun.yaml")  # Falun compares with Riket
OFFLINE_YEARS = range(2020, 2026)
# Words that name our own processing: never in a paragraph that says "Källa: Kolada".
COMPUTED_WORDS = ("egen bearbetning", "jämförelse", "avvikelse", "status", "snitt", "medel")
LIBREOFFICE_MISSING = (
    "LibreOffice is not installed: the rendering test converts the document with it. Install "
    "it with `apt-get install -y libreoffice-writer poppler-utils`."
)


# --- Databases and documents -----------------------------------------------------------------


async def _load_offline(con: duckdb.DuckDBPyConnection, goals: Path) -> None:
    app = create_app(offline_dataset(goals))
    settings = ClientSettings(base_url="http://kolada.test/v3", requests_per_second=None)
    async with KoladaClient(settings, transport=httpx.ASGITransport(app=app)) as client:
        await pipeline.refresh_metadata(client, con, "offline")
        load_goal_definitions(con, goals, run_id="offline")
        await pipeline.load_values(
            client, con, "offline", pipeline.goal_kpi_ids(con), OFFLINE_YEARS,
            pipeline.value_places(con),
        )  # fmt: skip


def offline_warehouse(folder: Path) -> duckdb.DuckDBPyConnection:
    """A warehouse of the offline demo's SYNTHETIC Kolada with the shipped goal files of
    Dorotea and Falun: fake Kolada -> client -> DuckDB -> marts, no samples needed."""
    goals = folder / "goals"
    goals.mkdir()
    for name in OFFLINE_GOAL_FILES:
        shutil.copy(ROOT / "data" / "goals" / name, goals / name)
    con = connect()
    apply_schema(con)
    asyncio.run(_load_offline(con, goals))
    build_marts(con)
    return con


@pytest.fixture(scope="module")
def sample_database() -> Iterator[duckdb.DuckDBPyConnection]:
    con = sample_warehouse(require_samples())
    yield con
    con.close()


@pytest.fixture(scope="module")
def offline_database(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[duckdb.DuckDBPyConnection]:
    con = offline_warehouse(tmp_path_factory.mktemp("offline"))
    yield con
    con.close()


@dataclass(frozen=True)
class Written:
    """A document as written, with what it was written from."""

    con: duckdb.DuckDBPyConnection
    kommun_id: str
    mode: str
    year: int | None
    path: Path
    document: WordDocument

    @property
    def content(self) -> ReportContent:
        return report_content(self.con, self.kommun_id, self.mode, self.year, date.today())


@pytest.fixture(
    scope="module",
    params=[
        ("sample_database", "2425", "outcome", None),
        ("offline_database", "2080", "outcome", 2024),
        ("offline_database", "2425", "forecast", 2025),
    ],
    ids=["samples-dorotea-outcome", "offline-falun-outcome", "offline-dorotea-forecast"],
)
def written(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Written:
    database, kommun_id, mode, year = request.param
    con = request.getfixturevalue(database)
    out = tmp_path_factory.mktemp("word") / f"maluppfyllelse-{kommun_id}.docx"
    path = write_word_report(con, kommun_id, out, mode, year)
    return Written(con, kommun_id, mode, year, path, docx.Document(str(path)))


# --- Reading the document back ---------------------------------------------------------------


def heading_level(paragraph: Paragraph) -> int | None:
    name = paragraph.style.name if paragraph.style is not None else ""
    match = re.fullmatch(r"Heading (\d)", name or "")
    return int(match.group(1)) if match else None


def headings(document: WordDocument) -> list[tuple[int, str]]:
    return [
        (level, paragraph.text)
        for paragraph in document.paragraphs
        if (level := heading_level(paragraph)) is not None
    ]


def all_paragraphs(document: WordDocument) -> Iterator[Paragraph]:
    """Every paragraph, those of table cells included."""
    yield from document.paragraphs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def indicator_tables(document: WordDocument) -> list[Table]:
    return [table for table in document.tables if table.rows[0].cells[0].text == "Indikator"]


def cell_lines(table: Table, row: int, column: int) -> list[str]:
    return [paragraph.text for paragraph in table.rows[row].cells[column].paragraphs]


def is_repeating_header(table: Table) -> bool:
    properties = table.rows[0]._tr.trPr
    return properties is not None and properties.find(qn("w:tblHeader")) is not None


def scope_of(written: Written) -> ReportScope:
    return resolve_report(written.con, written.kommun_id, written.mode, written.year, date.today())


def report_goals(content: ReportContent) -> Iterator[ReportGoal]:
    """Every goal of the report, each before its sub-goals."""
    for goal in content.goals:
        yield from _with_children(goal)


def _with_children(goal: ReportGoal) -> Iterator[ReportGoal]:
    yield goal
    for child in goal.children:
        yield from _with_children(child)


# --- Tests -----------------------------------------------------------------------------------


def test_headings_follow_the_goal_tree(written: Written) -> None:
    scope = scope_of(written)
    found = headings(written.document)
    name = scope.definition.kommun_name
    assert found[0] == (1, f"Måluppfyllelse {name} {scope.year}")
    assert [text for level, text in found if level == 2] == SECTIONS
    goals = [
        (3 + node.goal.depth, node.goal.title) for node in walk_goals(goal_tree(written.con, scope))
    ]
    assert len(goals) > 10
    assert [(level, text) for level, text in found if level >= 3] == goals
    # Sub-goals sit one level under their goal: Heading 3, then 4, then 5.
    assert {level for level, _ in goals} == {3, 4, 5}


def test_each_goal_shows_its_status_and_reason(written: Written) -> None:
    paragraphs = written.document.paragraphs
    goals = list(walk_goals(goal_tree(written.con, scope_of(written))))
    starts = [i for i, p in enumerate(paragraphs) if (heading_level(p) or 0) >= 3]
    assert len(starts) == len(goals)
    for start, node in zip(starts, goals, strict=True):
        status_line = next(p.text for p in paragraphs[start + 1 :] if p.text.startswith("Status:"))
        assert status_text(node.goal.status) in status_line
        assert (node.goal.reason or "Ingen status beräknad för året") in status_line


def test_every_indicator_is_in_a_table_with_a_repeating_header_row(written: Written) -> None:
    rows = indicator_rows(written.con, scope_of(written))
    tables = indicator_tables(written.document)
    assert tables
    shown: list[tuple[str, str]] = []
    for table in tables:
        assert is_repeating_header(table)
        assert [cell.text for cell in table.rows[0].cells] == [c.header for c in INDICATOR_COLUMNS]
        for number in range(1, len(table.rows)):
            title = cell_lines(table, number, 0)[0]
            shown.append((title, table.rows[number].cells[5].text.strip()))
    expected = [
        (row.indicator_title or row.indicator_id, status_text(row.status or "grey")) for row in rows
    ]
    assert sorted(shown) == sorted(expected)
    # The summary table has a repeating header row too.
    summary = next(
        table for table in written.document.tables if table.rows[0].cells[0].text == "Nivå"
    )
    assert is_repeating_header(summary)


def test_statuses_read_as_symbol_and_word(written: Written) -> None:
    text = "\n".join(paragraph.text for paragraph in all_paragraphs(written.document))
    words = [status_text(status) for status in STATUS_ORDER]
    assert len({word.split()[0] for word in words}) == len(words), "one symbol per status"
    for status in STATUS_ORDER:
        assert status_text(status) in text
        assert STATUS_LABELS[status] in status_text(status)
    # The rule is explained, in the words the xlsx file uses.
    for name, explanation in STATUS_RULE_ROWS:
        assert f"{name}. {explanation}" in text


def test_summary_counts_goals_per_level_and_status(written: Written) -> None:
    content = written.content
    summary = next(
        table for table in written.document.tables if table.rows[0].cells[0].text == "Nivå"
    )
    header = [cell.text.strip() for cell in summary.rows[0].cells]
    assert header == ["Nivå", *(status_text(status) for status in STATUS_ORDER), "Totalt"]
    body = [[cell.text for cell in row.cells] for row in summary.rows[1:]]
    assert body == [
        [level.level, *(str(count) for _, _, count in level.counts), str(level.total)]
        for level in content.summary
    ]
    text = "\n".join(p.text for p in written.document.paragraphs)
    assert MODE_LABELS[written.mode] in text
    assert content.scope.definition.vision in text


def test_kolada_is_named_for_its_values_and_never_for_our_processing(written: Written) -> None:
    paragraphs = [paragraph.text for paragraph in all_paragraphs(written.document)]
    assert any(KOLADA_SOURCE in text for text in paragraphs)
    assert any(OWN_PROCESSING in text for text in paragraphs)
    for text in paragraphs:
        if KOLADA_SOURCE in text:
            lowered = text.lower()
            assert not any(word in lowered for word in COMPUTED_WORDS), text
    rows = {
        row.indicator_title or row.indicator_id: row
        for row in indicator_rows(written.con, scope_of(written))
    }
    riket_references = 0
    for table in indicator_tables(written.document):
        for number in range(1, len(table.rows)):
            row = rows[cell_lines(table, number, 0)[0]]
            value = cell_lines(table, number, 1)
            assert (KOLADA_SOURCE in value) == (
                row.value is not None and row.value_source_label == KOLADA_SOURCE
            ), value
            reference = cell_lines(table, number, 3)
            if KOLADA_SOURCE in reference:
                assert row.reference_kind == "riket" and "Riket" in reference
                riket_references += 1
            for column in (2, 4, 5, 6):  # target, deviation, status, reason: never Kolada's
                assert KOLADA_SOURCE not in table.rows[number].cells[column].text
        # Under every indicator table: our processing, named as such.
        following = table._tbl.getnext()
        assert following is not None and Paragraph(following, table._parent).text == COMPUTED_SOURCE
    if written.kommun_id == "2080":  # Falun compares some indicators with Riket
        assert riket_references > 0


def test_values_are_labelled_with_their_own_source(written: Written) -> None:
    """Kolada's values, the kommun's own figures and our forecasts each say where they are
    from, under the value."""
    rows = {
        row.indicator_title or row.indicator_id: row
        for row in indicator_rows(written.con, scope_of(written))
    }
    found = set()
    for table in indicator_tables(written.document):
        for number in range(1, len(table.rows)):
            row = rows[cell_lines(table, number, 0)[0]]
            value = cell_lines(table, number, 1)
            source = row.value_source_label if row.value is not None else None
            assert value[2:] == ([source] if source else []), value
            if "prognos" in value[1] and row.value is not None:  # e.g. "2025 (prognos)"
                assert value[2:] == ["Egen prognos"]
            found.add(source)
    if written.kommun_id == "2425":  # Dorotea has local measures
        own = "Egen prognos" if written.mode == "forecast" else "Kommunens egen uppgift"
        assert own in found


def test_charts_are_images_with_the_html_reports_text_alternatives(written: Written) -> None:
    document = written.document
    descriptions = [shape._inline.docPr.get("descr") for shape in document.inline_shapes]
    assert descriptions and all(descriptions)
    content = written.content
    expected = [
        label
        for goal in report_goals(content)
        for label in (
            *(
                indicator.chart.aria_label
                for indicator in goal.indicators
                if indicator.chart is not None and not indicator.chart.empty
            ),
            *(scatter.aria_label for scatter in goal.cost_quality),  # under the charts
        )
    ]
    assert descriptions == expected
    page = render_report(written.con, written.kommun_id, written.mode, written.year)
    aria_labels = {html.unescape(label) for label in re.findall(r'aria-label="([^"]*)"', page)}
    assert set(descriptions) <= aria_labels
    images = [part for part in document.part.package.parts if part.content_type == "image/png"]
    assert len(images) == len(descriptions)
    assert all(len(part.blob) > 5_000 for part in images)
    # A KPI without values has its chart told in words, as the HTML report labels it.
    empty = [
        indicator.chart.aria_label
        for goal in report_goals(content)
        for indicator in goal.indicators
        if indicator.chart is not None and indicator.chart.empty
    ]
    text = {p.text for p in document.paragraphs}
    assert all(label in text for label in empty)


def test_every_status_colour_pair_has_aa_contrast() -> None:
    for name, (text, background) in CONTRAST_PAIRS.items():
        assert contrast_ratio(text, background) >= MINIMUM_CONTRAST, name
    assert set(STATUS_SHADING) == set(STATUS_ORDER)
    # The ratio itself, against WCAG's own examples.
    assert contrast_ratio("000000", "FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("777777", "FFFFFF") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("FFFFFF", "FFFFFF") == pytest.approx(1.0)


def test_every_coloured_text_of_the_document_contrasts(written: Written) -> None:
    """Every shaded run and cell, read from the file: its text colour on its shading."""
    body = written.document.element.body
    pairs = set()
    for run in body.iter(qn("w:r")):
        properties = run.find(qn("w:rPr"))
        colour = properties.find(qn("w:color")) if properties is not None else None
        text_colour = colour.get(qn("w:val")) if colour is not None else "000000"
        shading = properties.find(qn("w:shd")) if properties is not None else None
        cell = next((a for a in run.iterancestors(qn("w:tc"))), None)
        cell_shading = cell.find(f"{qn('w:tcPr')}/{qn('w:shd')}") if cell is not None else None
        chosen = shading if shading is not None else cell_shading
        fill = chosen.get(qn("w:fill")) if chosen is not None else PAGE_COLOUR
        pairs.add((text_colour, fill))
    assert len(pairs) > 5
    for text_colour, fill in pairs:
        assert contrast_ratio(text_colour, fill) >= MINIMUM_CONTRAST, (text_colour, fill)
    styles = written.document.styles
    for name in ("Heading 1", "Heading 2", "Heading 3", "Heading 4", "Heading 5", "Caption"):
        colour = styles[name].font.color.rgb
        assert colour is not None and str(colour) == HEADING_COLOUR, name


def test_the_document_is_swedish_and_says_nothing_of_how_it_was_made(written: Written) -> None:
    properties = written.document.core_properties
    assert properties.language == "sv-SE"
    assert properties.title.startswith("Måluppfyllelse ")
    assert "python" not in f"{properties.author} {properties.comments}".lower()
    languages = {
        element.get(qn("w:val")) for element in written.document.styles.element.iter(qn("w:lang"))
    }
    assert languages == {"sv-SE"}


def test_write_to_a_folder_replaces_whole_and_refuses_bad_arguments(
    offline_database: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    named = write_word_report(offline_database, "2425", tmp_path, "outcome", 2024)
    assert named == tmp_path / "maluppfyllelse-2425-outcome-2024.docx"
    again = write_word_report(offline_database, "2425", named, "forecast", 2025)
    assert again == named
    assert headings(docx.Document(str(named)))[0] == (1, "Måluppfyllelse Dorotea 2025")
    assert [path.name for path in tmp_path.iterdir()] == [named.name]  # no temporary file left
    with pytest.raises(ReportError, match="1990"):
        write_word_report(offline_database, "2425", tmp_path / "x.docx", "outcome", 1990)
    assert not (tmp_path / "x.docx").exists()


@pytest.mark.slow
def test_libreoffice_renders_the_document_to_pages(written: Written, tmp_path: Path) -> None:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        pytest.skip(LIBREOFFICE_MISSING)
    pages = tmp_path / "pages"
    profile = (tmp_path / "profile").as_uri()  # its own profile: runs in parallel do not meet
    converted = subprocess.run(
        [office, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(pages), str(written.path)],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    pdf = pages / f"{written.path.stem}.pdf"
    assert converted.returncode == 0 and pdf.is_file(), converted.stderr[-2000:]
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 50_000
    if shutil.which("pdftoppm"):
        command = [
            "pdftoppm",
            "-r",
            "60",
            "-png",
            "-f",
            "1",
            "-l",
            "3",
            str(pdf),
            str(pages / "page"),
        ]
    else:  # LibreOffice's own export: the first page only
        command = [office, f"-env:UserInstallation={profile}", "--headless", "--convert-to",
                   "png", "--outdir", str(pages), str(written.path)]  # fmt: skip
    rendered = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert rendered.returncode == 0, rendered.stderr[-2000:]
    images = sorted(pages.glob("*.png"))
    assert images
    for image in images:
        assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert image.stat().st_size > 10_000, image
