"""Golden tests on tiny hand-made rows: indicators of organisational units and their
references, and quartile statuses that carry their own basis."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from kolada_goals.outputs.report import render_report
from tests.outputs.test_report import visible_text
from tests.status import tiny_warehouse
from tests.status.tiny_warehouse import COUNTY, KOMMUN, OTHER_COUNTY, indicator, rows_of

KPI = "N90001"
SCHOOL, OTHER_SCHOOL, ELSEWHERE = "V15E1", "V15E2", "V15E3"


def status(con: duckdb.DuckDBPyConnection, indicator_id: str, period: int = 2022) -> dict:
    rows = rows_of(
        con,
        "select * from mart_indicator_status where indicator_id = ? and mode = 'outcome' "
        "and period = ?",
        [indicator_id, period],
    )
    assert len(rows) == 1, rows
    return rows[0]


@pytest.fixture(scope="module")
def units() -> duckdb.DuckDBPyConnection:
    indicators = [
        indicator("skolan", KPI, 0, ou_id=SCHOOL, reference_kind="kommun"),
        indicator("skolan-mot-enheter", KPI, 1, ou_id=SCHOOL, reference_kind="own_units"),
        indicator("kommunen", KPI, 2),
    ]
    values = [(KPI, KOMMUN, 2022, "T", 80.0), *((KPI, m, 2022, "T", 70.0) for m in COUNTY)]
    return tiny_warehouse.build(
        [(KPI, "Elever, andel (%)", False)],
        indicators,
        values,
        units=[
            (SCHOOL, KOMMUN, "Skolan"),
            (OTHER_SCHOOL, KOMMUN, "Byskolan"),
            (ELSEWHERE, COUNTY[0], "Grannskolan"),
        ],
        unit_values=[
            (KPI, SCHOOL, 2022, "T", 75.0),
            (KPI, SCHOOL, 2021, "T", 74.0),
            (KPI, OTHER_SCHOOL, 2022, "T", 95.0),
            (KPI, ELSEWHERE, 2022, "T", 10.0),  # another kommun's unit: never a reference
        ],
    )


def test_a_unit_indicator_takes_the_units_values(units: duckdb.DuckDBPyConnection) -> None:
    row = status(units, "skolan")
    assert row["value"] == 75.0 and row["ou_id"] == SCHOOL
    assert row["indicator_title"] == "Elever, andel (%) – Skolan"
    assert status(units, "skolan", 2021)["value"] == 74.0
    assert status(units, "kommunen")["value"] == 80.0  # the kommun's own, beside it


def test_a_unit_is_compared_with_its_kommun(units: duckdb.DuckDBPyConnection) -> None:
    row = status(units, "skolan")
    assert (row["reference_value"], row["reference_count"], row["reference_expected"]) == (
        80.0, 1, 1)  # fmt: skip
    assert row["status"] == "yellow"  # 75 is 6.25 % below 80


def test_a_unit_is_compared_with_the_mean_of_the_kommuns_units(
    units: duckdb.DuckDBPyConnection,
) -> None:
    row = status(units, "skolan-mot-enheter")
    assert (row["reference_value"], row["reference_count"], row["reference_expected"]) == (
        85.0, 2, 2)  # fmt: skip
    assert row["deviation_pct"] == pytest.approx((75 - 85) / 85 * 100)
    assert row["status"] == "red"  # 11.8 % below the units' mean, beyond the 10 % tolerance


@pytest.fixture(scope="module")
def quartiles() -> duckdb.DuckDBPyConnection:
    # 2401 and the three others of its county, two more in another county: six kommuner.
    values = [(KPI, KOMMUN, 2022, "T", 8.0)]
    values += [(KPI, m, 2022, "T", v) for m, v in zip(COUNTY, (1.0, 2.0, 3.0), strict=True)]
    values += [(KPI, m, 2022, "T", v) for m, v in zip(OTHER_COUNTY, (4.0, 5.0), strict=True)]
    indicators = [indicator("kvartil", KPI, 0, rule="quartile")]
    return tiny_warehouse.build([(KPI, "Mått, andel (%)", False)], indicators, values)


def test_a_quartile_status_shows_its_place_and_limits_not_a_mean(
    quartiles: duckdb.DuckDBPyConnection,
) -> None:
    row = status(quartiles, "kvartil")
    # values 1, 2, 3, 4, 5, 8: quartiles (quantile_cont) 2.25 and 4.75
    assert row["status"] == "green"
    assert (
        row["reason"] == "Bland de 25 % bästa kommunerna (plats 1 av 6 kommuner 2022; gränsen 4,8)"
    )
    assert (row["rank_position"], row["reference_count"], row["reference_expected"]) == (1, 6, 6)
    assert (row["best_quartile_limit"], row["worst_quartile_limit"]) == (4.75, 2.25)
    assert row["reference_kind"] == "all_kommuner" and row["reference_id"] == "G2328"
    assert row["reference_value"] is None and row["deviation_pct"] is None


def test_the_report_shows_the_quartile_limits_and_the_place(
    quartiles: duckdb.DuckDBPyConnection,
) -> None:
    html = render_report(quartiles, KOMMUN, "outcome", 2022, today=date(2023, 6, 1))
    text = visible_text(html)
    assert "2,2 / 4,8" in text  # 2.25 and 4.75, rounded half to even as the reason does
    assert "kvartilgränser sämst / bäst; plats 1 av 6" in text


def test_a_unit_without_values_says_so() -> None:
    con = tiny_warehouse.build(
        [(KPI, "Elever, andel (%)", False)],
        [indicator("skolan", KPI, 0, ou_id=SCHOOL, reference_kind="kommun")],
        [(KPI, KOMMUN, 2022, "T", 80.0)],
        units=[(SCHOOL, KOMMUN, "Skolan")],
    )
    row = status(con, "skolan")
    assert (row["status"], row["reason"]) == ("grey", "Inga värden för enheten ännu")
