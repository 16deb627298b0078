"""Golden tests of mart_indicator_fact on tiny hand-made rows: ranks, changes, years in a row,
the gender gap; and Dorotea's county rank in the Västerbotten samples, worked out by hand."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import duckdb
import pytest

from kolada_goals.status.data_tests import run_data_tests
from tests.helpers import require_samples
from tests.sample_warehouse import sample_warehouse
from tests.status import tiny_warehouse
from tests.status.tiny_warehouse import COUNTY, KOMMUN, indicator, rows_of

KPI = "N90001"
GENDERED_KPI = "N90002"
KPIS = [(KPI, "Mått, andel (%)", False), (GENDERED_KPI, "Elever, andel (%)", True)]


def build(
    values: Sequence[tuple[str, str, int, str, float]], direction: str = "higher"
) -> duckdb.DuckDBPyConnection:
    """Kommun 2401 with one indicator on KPI (direction as given) and one on GENDERED_KPI."""
    indicators = [
        indicator("plain", KPI, 0, direction=direction),
        indicator("gendered", GENDERED_KPI, 1),
    ]
    return tiny_warehouse.build(KPIS, indicators, values)


def fact(con: duckdb.DuckDBPyConnection, indicator_id: str, period: int) -> dict[str, Any]:
    rows = rows_of(
        con,
        "select * from mart_indicator_fact where indicator_id = ? and period = ?",
        [indicator_id, period],
    )
    assert len(rows) == 1, rows
    return rows[0]


def county_values(period: int, own: float, others: Sequence[float]) -> list[Any]:
    rows = [(KPI, KOMMUN, period, "T", own)]
    rows += [(KPI, m, period, "T", v) for m, v in zip(COUNTY, others, strict=True)]
    return rows


# The kommun's values 2018-2022 and the county's others' values in 2022.
HISTORY = {2018: 50.0, 2019: 52.0, 2020: 55.0, 2021: 57.5, 2022: 60.0}
ROWS = [
    *(row for year, own in HISTORY.items() for row in county_values(year, own, (40, 70, 60))),
    # Another county: counts among all kommuner, never in the county.
    (KPI, "2501", 2022, "T", 99.0),
    (KPI, "2502", 2022, "T", 10.0),
    # A region and Riket never count as kommuner.
    (KPI, "0024", 2022, "T", 1000.0),
    (KPI, "0000", 2022, "T", 1000.0),
    (GENDERED_KPI, KOMMUN, 2022, "T", 80.0),
    (GENDERED_KPI, KOMMUN, 2022, "K", 84.1),
    (GENDERED_KPI, KOMMUN, 2022, "M", 75.9),
]


@pytest.fixture(scope="module")
def higher() -> Iterator[duckdb.DuckDBPyConnection]:
    con = build(ROWS)
    yield con
    con.close()


@pytest.fixture(scope="module")
def lower() -> Iterator[duckdb.DuckDBPyConnection]:
    con = build(ROWS, direction="lower")
    yield con
    con.close()


def test_ranks_count_the_kommuner_with_a_value_best_first(
    higher: duckdb.DuckDBPyConnection,
) -> None:
    row = fact(higher, "plain", 2022)
    # 2022: 40, 70, 60 beside 60 in the county; 99 and 10 beside them in the other county.
    assert (row["county_rank"], row["county_ranked"]) == (2, 4)  # tied with the other 60
    assert (row["riket_rank"], row["riket_ranked"]) == (3, 6)


def test_lower_is_better_ranks_the_other_way(lower: duckdb.DuckDBPyConnection) -> None:
    row = fact(lower, "plain", 2022)
    assert (row["county_rank"], row["county_ranked"]) == (2, 4)  # 40 first, then the 60s
    assert (row["riket_rank"], row["riket_ranked"]) == (3, 6)  # 10, 40, then the 60s


def test_changes_and_years_in_a_row_in_the_better_sense(
    higher: duckdb.DuckDBPyConnection, lower: duckdb.DuckDBPyConnection
) -> None:
    row = fact(higher, "plain", 2022)
    assert row["change_1y"] == pytest.approx(2.5)
    assert row["change_3y"] == pytest.approx(8.0)
    assert row["better_by_3y"] == pytest.approx(8.0)
    assert row["better_years_in_row"] == 4  # 2019, 2020, 2021 and 2022 each rose
    assert fact(higher, "plain", 2018)["better_years_in_row"] is None  # no year before
    worse = fact(lower, "plain", 2022)
    assert worse["better_by_1y"] == pytest.approx(-2.5)
    assert worse["better_years_in_row"] == -4


def test_a_gap_in_the_years_starts_a_new_run() -> None:
    values = {2017: 10.0, 2018: 11.0, 2020: 12.0, 2021: 13.0, 2022: 13.0}
    con = build([row for year, v in values.items() for row in county_values(year, v, (1, 1, 1))])
    assert fact(con, "plain", 2018)["better_years_in_row"] == 1
    assert fact(con, "plain", 2020)["better_years_in_row"] is None  # 2019 has no value
    assert fact(con, "plain", 2021)["better_years_in_row"] == 1
    assert fact(con, "plain", 2022)["better_years_in_row"] == 0  # unchanged


def test_the_gender_gap_only_where_kolada_divides_by_gender(
    higher: duckdb.DuckDBPyConnection,
) -> None:
    row = fact(higher, "gendered", 2022)
    assert row["gender_gap"] == pytest.approx(8.2)
    assert (row["value_women"], row["value_men"]) == (84.1, 75.9)
    assert fact(higher, "plain", 2022)["gender_gap"] is None


def test_neutral_indicators_have_no_ranks_or_better_facts() -> None:
    con = build(ROWS, direction="neutral")
    row = fact(con, "plain", 2022)
    assert row["county_rank"] is None and row["riket_rank"] is None
    assert row["better_by_1y"] is None and row["better_years_in_row"] is None
    assert row["change_1y"] == pytest.approx(2.5)


def test_the_facts_grain_holds(higher: duckdb.DuckDBPyConnection) -> None:
    assert not [f for f in run_data_tests(higher) if "mart_indicator_fact" in f.test]
    # and the test can fail: a repeated row is found
    higher.execute("create temporary table saved as select * from mart_indicator_fact limit 1")
    higher.execute("insert into mart_indicator_fact select * from saved")
    failures = [f for f in run_data_tests(higher) if "mart_indicator_fact" in f.test]
    higher.execute(
        "delete from mart_indicator_fact where rowid = (select max(rowid) from mart_indicator_fact)"
    )
    assert failures


def test_doroteas_county_rank_in_the_vasterbotten_samples() -> None:
    con = sample_warehouse(require_samples())
    cursor = con.execute(
        "select county_rank, county_ranked, value from mart_indicator_fact "
        "where kommun_id = '2425' and kpi_id = 'N15428' and period = 2021"
    )
    row = cursor.fetchone()
    # N15428 (behöriga till yrkesprogram) 2021 in the sample file, the 15 kommuner of
    # Västerbotten from the highest: 2417 92.68, 2463 90.91, 2480 90.57, 2482 89.77,
    # 2460 88.35, 2421 84.78, 2409 83.78, 2425 Dorotea 82.61, then 2481 82.01, 2404 80.43,
    # 2401 80.0, 2422 80.0, 2462 79.27, 2418 76.92, 2403 76.19. Higher is better.
    assert row is not None
    assert row[2] == pytest.approx(82.60869565)
    assert (row[0], row[1]) == (8, 15)
    con.close()
