"""The cost-quality scatter of the report, from mart_cost_quality on tiny hand-made rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest
from docx import Document

from kolada_goals.outputs.cost_quality import report_cost_quality
from kolada_goals.outputs.export import COST_QUALITY_COLUMNS, COST_QUALITY_SHEET, write_export
from kolada_goals.outputs.queries import resolve_report
from kolada_goals.outputs.report import render_report
from kolada_goals.outputs.word_report import write_word_report
from tests.outputs.test_report import visible_text
from tests.status import tiny_warehouse
from tests.status.tiny_warehouse import COUNTY, KOMMUN, indicator

QUALITY, COST, WAITING = "N90001", "N90002", "N90003"
KPIS = [(QUALITY, "Nöjdhet, andel (%)", False), (COST, "Kostnad, kr/inv", False),
        (WAITING, "Väntetid, antal dagar", False)]  # fmt: skip
# (quality, cost, waiting days) in 2022: the county's means are 75, 10 000 and 25 days.
VALUES = {KOMMUN: (80.0, 9000.0, 10.0), COUNTY[0]: (70.0, 11000.0, 30.0),
          COUNTY[1]: (90.0, 12000.0, 20.0), COUNTY[2]: (60.0, 8000.0, 40.0)}  # fmt: skip


@pytest.fixture(scope="module")
def warehouse() -> Iterator[duckdb.DuckDBPyConnection]:
    values = [
        (kpi, member, 2022, "T", value)
        for member, triple in VALUES.items()
        for kpi, value in zip((QUALITY, COST, WAITING), triple, strict=True)
    ]
    indicators = [
        indicator("quality", QUALITY, 0),
        indicator("cost", COST, 1, direction="lower"),
        indicator("waiting", WAITING, 2, direction="lower"),
    ]
    pairs = [
        {"kommun_id": KOMMUN, "goal_id": "G1", "quality_indicator_id": quality,
         "cost_indicator_id": "cost", "ordinal": ordinal, "reference_kind": "county"}
        for ordinal, quality in enumerate(("quality", "waiting"))
    ]  # fmt: skip
    con = tiny_warehouse.build(KPIS, indicators, values, cost_quality=pairs)
    yield con
    con.close()


def test_the_scatter_places_the_kommuner_and_the_means(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    scope = resolve_report(warehouse, KOMMUN, "outcome", 2022, date(2023, 6, 1))
    quality, waiting = report_cost_quality(warehouse, scope)["G1"]
    assert (quality.period, quality.kommun_count) == (2022, 4)
    assert quality.quadrant_label == "Högre kvalitet till lägre kostnad"
    assert quality.points[-1].is_kommun  # drawn last, on top
    own = quality.kommun
    # cheaper than the mean is left of the mean line, better quality above it (smaller y)
    assert own.x < quality.mean_x and own.y < quality.mean_y
    best = max(quality.points, key=lambda point: point.quality)
    assert best.y == min(point.y for point in quality.points)
    # fewer waiting days is better: the shortest wait is the highest point
    shortest = min(waiting.points, key=lambda point: point.quality)
    assert shortest.y == min(point.y for point in waiting.points)
    assert waiting.quality_lower_is_better
    assert "högre kvalitet till lägre kostnad; kvalitet 80,0 (snitt 75,0)" in quality.aria_label
    assert "kostnad 9 000 (snitt 10 000)" in quality.aria_label


def test_the_report_shows_the_scatter_with_its_quadrant_in_words(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    html = render_report(warehouse, KOMMUN, "outcome", 2022, today=date(2023, 6, 1))
    assert html.count('<figure class="scatter"') == 2
    text = visible_text(html)
    assert "K1: Högre kvalitet till lägre kostnad – kvalitet 80,0 (snitt 75,0)" in text
    assert "4 kommuner: länets kommuner" in text
    assert 'aria-label="Punktdiagram: Nöjdhet, andel (%) mot Kostnad, kr/inv, 2022' in html
    assert "Plats 2 av 4 i länet" in text  # the analysis sentence of the quality indicator


def test_the_word_document_has_the_scatter_as_an_image_with_its_text(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = write_word_report(warehouse, KOMMUN, tmp_path / "k1.docx", "outcome", 2022)
    document = Document(str(path))
    descriptions = [
        shape._inline.docPr.get("descr") for shape in document.inline_shapes
    ]  # fmt: skip
    scatters = [text for text in descriptions if text.startswith("Punktdiagram")]
    assert len(scatters) == 2
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "K1: Högre kvalitet till lägre kostnad – kvalitet 80,0 (snitt 75,0)" in text
    assert "medelvärden och kvadranter: Egen bearbetning av data från Kolada" in text
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert any("Plats 2 av 4 i länet" in cell for cell in cells)


def test_the_workbook_export_has_the_pairs_and_a_native_scatter_per_pair(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    (path,) = write_export(warehouse, KOMMUN, "xlsx", tmp_path / "k1.xlsx", "outcome", 2022)
    book = openpyxl.load_workbook(path)
    sheet = book[COST_QUALITY_SHEET]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == COST_QUALITY_COLUMNS
    own = [row for row in rows[1:] if row[5] == KOMMUN]
    assert len(own) == 2 and own[0][10] == "Högre kvalitet till lägre kostnad"
    assert len(rows) == 1 + 2 * 4
    assert len(sheet._charts) == 2
