"""The status tables as files, on a database whose KPI titles (from Kolada) and goal titles,
owners, indicator titles, motivations and reasons are formulas: no spreadsheet formula or link
comes out of them."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

import docx
import duckdb
import openpyxl
import polars as pl
import pytest

from kolada_goals.outputs.export import csv_safe, export_frames, write_export
from tests.helpers import HOSTILE_KPI_TITLES, HOSTILE_REASON, hostile_published_database

DOROTEA, MODE, YEAR = "2425", "outcome", 2023
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HOSTILE_TEXTS = {
    *HOSTILE_KPI_TITLES.values(),
    "=1+1",
    "https://x/?leak=1",
    "+1+1",
    "[link=http://x]y[/link] @SUM(A1:A9)",
    "+1+1 [/]",
    "\t=1+1",
    "\r=1+1",
    "@SUM(A1:A9) [/] [link=http://x]y[/link]",
}


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    path = hostile_published_database(tmp_path_factory.mktemp("hostile"))
    with duckdb.connect(str(path), read_only=True) as con:
        yield con


@pytest.fixture(scope="module")
def frames(database: duckdb.DuckDBPyConnection) -> tuple[pl.DataFrame, pl.DataFrame]:
    _, goals, indicators = export_frames(database, DOROTEA, MODE, YEAR)
    return goals, indicators


def xlsx_text(value: str) -> str:
    """A cell's text as a spreadsheet shows it: xlsx escapes control characters as _xHHHH_,
    which openpyxl leaves as they are."""
    return re.sub(r"_x([0-9A-F]{4})_", lambda match: chr(int(match.group(1), 16)), value)


def text_cells(frame: pl.DataFrame) -> set[str]:
    return {
        value
        for name, dtype in frame.schema.items()
        if dtype == pl.String
        for value in frame[name].drop_nulls()
    }


def test_the_database_carries_every_hostile_text(frames: tuple[pl.DataFrame, ...]) -> None:
    texts = text_cells(frames[0]) | text_cells(frames[1])
    assert texts >= HOSTILE_TEXTS
    assert any(text.startswith(HOSTILE_REASON) for text in texts)


def test_xlsx_holds_hostile_text_as_strings_and_numbers_as_numbers(
    database: duckdb.DuckDBPyConnection, frames: tuple[pl.DataFrame, ...], tmp_path: Path
) -> None:
    (path,) = write_export(database, DOROTEA, "xlsx", tmp_path / "x.xlsx", MODE, YEAR)
    book = openpyxl.load_workbook(path)
    strings: set[str] = set()
    for sheet, frame in zip((book["Mål"], book["Indikatorer"]), frames, strict=True):
        assert sheet.max_row - 1 == frame.height
        header = [cell.value for cell in sheet[1]]
        for row in sheet.iter_rows(min_row=2):
            for column, cell in enumerate(row):
                assert cell.data_type != "f", (header[column], cell.value)
                assert cell.hyperlink is None, (header[column], cell.value)
                if frame.schema[header[column]] == pl.String and cell.value is not None:
                    assert cell.data_type == "s"
                    strings.add(xlsx_text(str(cell.value)))
        assert not sheet._hyperlinks
    assert strings >= HOSTILE_TEXTS
    sheet = book["Indikatorer"]
    column = [cell.value for cell in sheet[1]].index("Värde")
    values = [row[column].value for row in sheet.iter_rows(min_row=2) if row[column].value]
    assert values and all(isinstance(value, float | int) for value in values)
    assert sorted(values) == sorted(v for v in frames[1]["Värde"].to_list() if v)


def test_csv_text_cells_cannot_start_a_formula_and_numbers_stay_numbers(
    database: duckdb.DuckDBPyConnection, frames: tuple[pl.DataFrame, ...], tmp_path: Path
) -> None:
    paths = write_export(database, DOROTEA, "csv", tmp_path / "x", MODE, YEAR)
    cells: set[str] = set()
    for path, frame in zip(paths, frames, strict=True):
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert len(rows) == frame.height
        for row in rows:
            for name, value in row.items():
                if frame.schema[name] == pl.String:
                    assert not value.startswith(FORMULA_START), (name, value)
                    cells.add(value)
        read = pl.read_csv(path, schema=frame.schema)
        numeric = [n for n, dtype in frame.schema.items() if dtype.is_numeric()]
        assert read.select(numeric).equals(frame.select(numeric))
    assert {
        f"'{text}" if text.startswith(FORMULA_START) else text for text in HOSTILE_TEXTS
    } <= cells
    assert any(cell.startswith(f"'{HOSTILE_REASON}") for cell in cells)


def test_csv_safe_prefixes_only_text_that_starts_a_formula() -> None:
    frame = pl.DataFrame(
        {
            "text": ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1", "a=1", "1-2", None],
            "number": [-1.5, 2.0, -3.0, 4.0, 5.0, 6.0, 7.0, 8.0, None],
        }
    )
    safe = csv_safe(frame)
    assert safe["text"].to_list() == [
        "'=1+1", "'+1", "'-1", "'@A1", "'\t=1", "'\r=1", "a=1", "1-2", None,
    ]  # fmt: skip
    assert safe["number"].to_list() == frame["number"].to_list()


def test_docx_holds_hostile_text_as_text(
    database: duckdb.DuckDBPyConnection, frames: tuple[pl.DataFrame, ...], tmp_path: Path
) -> None:
    """Word has no formulas, but text from Kolada and goal files must still arrive as written:
    no link, field or markup made of it, and characters XML cannot hold shown, not fatal."""
    (path,) = write_export(database, DOROTEA, "docx", tmp_path / "x", MODE, YEAR)
    assert path == tmp_path / "x.docx"
    document = docx.Document(str(path))
    paragraphs = list(document.paragraphs)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                paragraphs.extend(cell.paragraphs)
    text = "\n".join(paragraph.text for paragraph in paragraphs)
    for hostile in HOSTILE_TEXTS:
        assert hostile.replace("\r", "\n") in text, hostile  # Word's line break reads as \n
    assert "Dorotea [bold]" in text and HOSTILE_REASON in text
    assert "\ufffd[2Jclear screen" in text  # ESC is no XML character
    body = document.element.body
    assert not list(body.iter("{*}hyperlink")) and not list(body.iter("{*}fldSimple"))
    assert not list(body.iter("{*}instrText"))
    assert not [r for r in document.part.rels.values() if r.is_external]


def test_parquet_keeps_the_data_as_it_is(
    database: duckdb.DuckDBPyConnection, frames: tuple[pl.DataFrame, ...], tmp_path: Path
) -> None:
    paths = write_export(database, DOROTEA, "parquet", tmp_path / "x", MODE, YEAR)
    for path, frame in zip(paths, frames, strict=True):
        assert pl.read_parquet(path).equals(frame)
