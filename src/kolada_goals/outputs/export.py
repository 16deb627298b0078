"""Status tables for report authors as files: xlsx, csv or parquet; or the status chapter as a
Word document (docx, see word_report).

The xlsx file has traffic-light colours, a frozen header and a sheet on the rule and sources.
Titles, reasons and motivations come from Kolada and from the kommuner's goal files, so a
cell may read `=HYPERLINK(...)`. No output turns such text into a formula: xlsx cells hold it
as a string, csv cells get a leading apostrophe, parquet keeps typed columns as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from kolada_goals.outputs.cost_quality import CostQualityChart, report_cost_quality
from kolada_goals.outputs.queries import ReportScope, resolve_report
from kolada_goals.sql_files import read_sql

# The formats of `kolada-goals export`; the command line reads its list and help from here.
FORMATS = ("xlsx", "csv", "parquet", "docx")
# Text that a spreadsheet reads as a formula when it opens a csv file (OWASP, CSV injection).
CSV_FORMULA_START = r"^[=+\-@\t\r]"
# xlsxwriter writes strings that look like formulas or URLs as formulas and links by default.
XLSX_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False}
STATUS_COLOURS = {"green": "#63BE7B", "yellow": "#FFEB84", "red": "#F8696B", "grey": "#D9D9D9"}
# The status rule in words: the xlsx file's explanation sheet and the Word document show it.
STATUS_RULE_ROWS = [
    ("Statusregel (standard)", "Grönt: målvärdet är nått eller värdet är i nivå med eller bättre "
     "än referensen (länets kommuner, ovägt medel). Gult: sämre än referensen med högst 10 %. "
     "Rött: sämre med mer än 10 %. Grått: kan inte bedömas; orsaken står alltid bredvid "
     "statusen."),
    ("Utfall", "Senast publicerade period till och med året (årsredovisning)."),
    ("Prognos", "Manuell prognos ur måldefinitionerna, annars en linjär trend av de senaste "
     "värdena, annars grått (delårsrapport)."),
    ("Målens status", "Majoritet bland bedömda indikatorer och delmål, lika går till det sämre "
     "(eller sämsta, om kommunen valt det). Gråa räknas inte."),
]  # fmt: skip
ABOUT_ROWS = [
    *STATUS_RULE_ROWS,
    ("Riktning", "higher: högre är bättre; lower: lägre är bättre."),
    ("Källa för värden", "Källa: Kolada"),
    ("Källa för referenser, avvikelser och status", "Egen bearbetning av data från Kolada"),
]  # fmt: skip


def export_frames(
    con: duckdb.DuckDBPyConnection, kommun_id: str, mode: str, year: int | None
) -> tuple[int, pl.DataFrame, pl.DataFrame]:
    """(year, goals, indicators) of one report; raises ReportError on bad arguments."""
    scope = resolve_report(con, kommun_id, mode, year, date.today())
    return (scope.year, *_frames(con, scope))


def _frames(
    con: duckdb.DuckDBPyConnection, scope: ReportScope
) -> tuple[pl.DataFrame, pl.DataFrame]:
    goals = con.execute(read_sql("outputs/export/goals.sql"), scope.parameters).pl()
    indicators = con.execute(read_sql("outputs/export/indicators.sql"), scope.parameters).pl()
    return goals, indicators


def write_export(
    con: duckdb.DuckDBPyConnection, kommun_id: str, fmt: str, out: Path, mode: str,
    year: int | None,
) -> list[Path]:  # fmt: skip
    """Write the report's tables; csv and parquet give two files <out>-mal and
    <out>-indikatorer, docx the Word document. Returns the paths written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    if fmt == "docx":
        # Imported here: python-docx and the charts' matplotlib only when a document is asked for.
        from kolada_goals.outputs.word_report import write_word_report

        path = out if out.suffix == ".docx" or out.is_dir() else out.with_suffix(".docx")
        return [write_word_report(con, kommun_id, path, mode, year)]
    scope = resolve_report(con, kommun_id, mode, year, date.today())
    goals, indicators = _frames(con, scope)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        path = out if out.suffix == ".xlsx" else out.with_suffix(".xlsx")
        pairs = [chart for charts in report_cost_quality(con, scope).values() for chart in charts]
        _write_xlsx(path, goals, indicators, pairs)
        return [path]
    stem = out.with_suffix("")
    paths = [Path(f"{stem}-mal.{fmt}"), Path(f"{stem}-indikatorer.{fmt}")]
    for frame, path in zip((goals, indicators), paths, strict=True):
        if fmt == "csv":
            csv_safe(frame).write_csv(path)
        else:
            frame.write_parquet(path)
    return paths


def _write_cost_quality(book: Any, header: Any, pairs: Sequence[CostQualityChart]) -> None:
    """One row per kommun and pair, and per pair a native scatter chart: the other kommuner
    and the kommun as two series, so that the kommun stands out."""
    sheet = book.add_worksheet(COST_QUALITY_SHEET)
    for column, title in enumerate(COST_QUALITY_COLUMNS):
        sheet.write(0, column, title, header)
        sheet.set_column(column, column, max(10, min(40, len(title) + 4)))
    row = 1
    for number, pair in enumerate(pairs):
        first = row
        for point in pair.points:  # the kommun last
            sheet.write_row(row, 0, (
                pair.goal_id, pair.quality_title, pair.cost_title, pair.period,
                point.member_name, point.member_id, point.quality, point.cost,
                pair.quality_mean, pair.cost_mean, pair.quadrant_label, pair.reference,
            ))  # fmt: skip
            row += 1
        chart = book.add_chart({"type": "scatter"})
        for name, top, bottom, marker in (
            ("Andra kommuner", first, row - 2, {"type": "circle", "size": 5,
                                               "fill": {"color": "#6B6B6B"}}),
            (pair.kommun.member_name, row - 1, row - 1, {"type": "diamond", "size": 9,
                                                         "fill": {"color": "#1F4E9C"}}),
        ):  # fmt: skip
            if top > bottom:
                continue
            chart.add_series({
                "name": name,
                "categories": [COST_QUALITY_SHEET, top, 7, bottom, 7],
                "values": [COST_QUALITY_SHEET, top, 6, bottom, 6],
                "marker": {**marker, "border": {"none": True}},
            })  # fmt: skip
        chart.set_title({"name": f"{pair.quality_title} mot {pair.cost_title}, {pair.period}",
                         "name_font": {"size": 10}})  # fmt: skip
        chart.set_x_axis({"name": "Kostnad"})
        chart.set_y_axis({"name": "Kvalitet", "reverse": pair.quality_lower_is_better})
        sheet.insert_chart(1 + number * 20, len(COST_QUALITY_COLUMNS) + 1, chart)
    sheet.freeze_panes(1, 0)


def csv_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with every text cell that a spreadsheet would take for a formula prefixed with a
    single quote, as OWASP recommends; numbers and other typed columns stay as they are."""
    text_columns = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(CSV_FORMULA_START))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name in text_columns
    )


COST_QUALITY_SHEET = "Kostnad och kvalitet"
COST_QUALITY_COLUMNS = ("Mål", "Kvalitetsindikator", "Kostnadsindikator", "År", "Kommun",
                        "Kommunkod", "Kvalitet", "Kostnad", "Kvalitet, snitt", "Kostnad, snitt",
                        "Kvadrant (kommunen)", "Jämförs med")  # fmt: skip


def _write_xlsx(
    path: Path, goals: pl.DataFrame, indicators: pl.DataFrame, pairs: Sequence[CostQualityChart]
) -> None:
    import xlsxwriter  # here, so that the command line can read FORMATS without it

    with xlsxwriter.Workbook(str(path), XLSX_OPTIONS) as book:
        header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        colours = {s: book.add_format({"bg_color": c}) for s, c in STATUS_COLOURS.items()}
        for name, frame in (("Mål", goals), ("Indikatorer", indicators)):
            sheet = book.add_worksheet(name)
            for column, title in enumerate(frame.columns):
                sheet.write(0, column, title, header)
                sheet.set_column(column, column, max(10, min(50, len(title) + 4)))
            for row, record in enumerate(frame.iter_rows(), start=1):
                for column, value in enumerate(record):
                    sheet.write(row, column, value)
            sheet.freeze_panes(1, 0)
            status_column = frame.columns.index("Status")
            for status, colour in colours.items():
                sheet.conditional_format(
                    1, status_column, max(frame.height, 1), status_column,
                    {"type": "cell", "criteria": "==", "value": f'"{status}"', "format": colour},
                )  # fmt: skip
        if pairs:
            _write_cost_quality(book, header, pairs)
        about = book.add_worksheet("Om statusen")
        about.set_column(0, 0, 40)
        about.set_column(1, 1, 120)
        for row, (key, text) in enumerate(ABOUT_ROWS):
            about.write(row, 0, key, header)
            about.write(row, 1, text)
