"""Golden tests of the comparisons and statuses on tiny hand-made rows: every branch of every
rule, forecasts, roll-up, and the reference values."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import polars as pl
import pytest

from kolada_goals.status.marts import build_marts
from kolada_goals.warehouse import apply_schema, connect

KOMMUN = "2401"
COUNTY = ["2402", "2403", "2404", "2405"]  # the other kommuner of county 24 in these tests
OTHER_COUNTY = ["2501", "2502"]
YEAR = 2022


@dataclass
class Case:
    """One indicator of kommun 2401 on its own KPI, with the values of the county."""

    indicator: str
    value: float | None
    mean: float = 100.0  # the county mean, the kommun included: sets the others' values
    others: Sequence[float | None] | None = None  # or the others' values themselves
    other_county: float | None = 1000.0  # a value in another county, which must not leak in
    national: bool = True  # values for the region and for Riket
    direction: str | None = "higher"
    rule: str = "dorotea"
    target: float | None = None
    tolerance_kind: str = "relative"
    tolerance_value: float = 10.0
    min_reference_count: int = 3
    reference_kind: str = "county"
    reference_group_id: str | None = None
    reference_kommuner: list[str] | None = None
    reference_years: int | None = None
    trend_threshold_pct: float = 1.0
    history: dict[int, float | None] = field(default_factory=dict)  # earlier values of 2401
    goal: str = "G1"
    kpi_exists: bool = True
    period: int = YEAR


def others(case: Case) -> Sequence[float | None]:
    if case.others is not None:
        return case.others
    own = case.value or 0.0
    return [((len(COUNTY) + 1) * case.mean - own) / len(COUNTY)] * len(COUNTY)


def build(cases: Sequence[Case], extra_values: Sequence[tuple[str, str, int, float]] = (),
          forecasts: Sequence[tuple[str, int, float]] = (), rollup: str = "majority",
          goals: Sequence[tuple[str, str | None]] = (("G0", None), ("G1", "G0"), ("G2", "G0")),
          ) -> duckdb.DuckDBPyConnection:  # fmt: skip
    con = connect()
    apply_schema(con)
    municipalities = [("0000", "Riket", "L"), ("0024", "Region", "L"), (KOMMUN, "K1", "K")]
    municipalities += [(m, m, "K") for m in COUNTY + OTHER_COUNTY]
    con.executemany(
        "insert into core_municipality (municipality_id, title, municipality_type) "
        "values (?, ?, ?)",
        municipalities,
    )
    con.execute(
        "insert into goal_definition_file (kommun_id, kommun_name, file_path, file_sha256, "
        "vision, vision_year, policy_source, note, mandate_first_year, mandate_last_year, "
        "levels, rollup_method, loaded_at, loaded_run_id) values ('2401', 'K1', 'f.yaml', 'x', "
        "'Vision', null, null, null, 2021, 2024, null, ?, now(), null)",
        [rollup],
    )
    depth: dict[str, int] = {}
    for goal_id, parent in goals:  # a parent comes before its sub-goals
        depth[goal_id] = 0 if parent is None else depth[parent] + 1
    for ordinal, (goal_id, parent) in enumerate(goals):
        con.execute(
            "insert into goal (kommun_id, goal_id, parent_goal_id, depth, ordinal, level, title, "
            "owner, description, mandate_first_year, mandate_last_year) "
            "values ('2401', ?, ?, ?, ?, null, ?, null, null, 2021, 2024)",
            [goal_id, parent, depth[goal_id], ordinal, f"Mål {goal_id}"],
        )
    indicators, values = [], []
    for ordinal, case in enumerate(cases):
        kpi = f"N{90000 + ordinal}"
        if case.kpi_exists:
            con.execute(
                "insert into core_kpi (kpi_id, title, is_divided_by_gender, municipality_type, "
                "has_ou_data, publ_period) values (?, ?, false, 'K', false, '2022')",
                [kpi, case.indicator],
            )
        indicators.append({
            "kommun_id": KOMMUN, "indicator_id": case.indicator, "goal_id": case.goal,
            "ordinal": ordinal, "kpi_id": kpi, "gender": "T", "direction": case.direction,
            "reference_kind": case.reference_kind, "reference_group_id": case.reference_group_id,
            "reference_kommuner": case.reference_kommuner, "reference_years": case.reference_years,
            "rule": case.rule, "tolerance_kind": case.tolerance_kind,
            "tolerance_value": case.tolerance_value,
            "min_reference_count": case.min_reference_count,
            "trend_threshold_pct": case.trend_threshold_pct, "is_example": False,
            "motivation": f"motivering {case.indicator}",
        })  # fmt: skip
        if case.value is not None or case.history:
            values.append((kpi, KOMMUN, case.period, case.value))
        values += [(kpi, m, case.period, v) for m, v in zip(COUNTY, others(case), strict=True)]
        values += [(kpi, KOMMUN, year, v) for year, v in case.history.items()]
        if case.other_county is not None:
            values += [(kpi, m, case.period, case.other_county) for m in OTHER_COUNTY]
        if case.national:
            values.append((kpi, "0024", case.period, 555.0))  # never used as a county mean
            values.append((kpi, "0000", case.period, 50.0))
        if case.target is not None:
            con.execute(
                "insert into goal_indicator_target (kommun_id, indicator_id, period, "
                "target_value) values ('2401', ?, ?, ?)",
                [case.indicator, case.period, case.target],
            )
    for indicator, year, value in forecasts:
        con.execute(
            "insert into goal_indicator_forecast (kommun_id, indicator_id, period, "
            "forecast_value, note) values ('2401', ?, ?, ?, null)",
            [indicator, year, value],
        )
    frame = pl.DataFrame(indicators, infer_schema_length=None)  # noqa: F841 (read by DuckDB)
    con.execute("insert into goal_indicator by name select * from frame")
    rows = [(k, m, p, "T", v, 1, "", False, False) for k, m, p, v in [*values, *extra_values]]
    con.executemany(
        "insert into hist_kpi_value (kpi_id, municipality_id, period, gender, value, count, "
        "status, is_deleted, is_revision, valid_from, valid_to, run_id) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, now(), null, 'test')",
        rows,
    )
    build_marts(con)
    return con


def status(con: duckdb.DuckDBPyConnection, indicator: str, mode: str = "outcome",
           period: int = YEAR) -> dict[str, Any]:  # fmt: skip
    cursor = con.execute(
        "select * from mart_indicator_status where indicator_id = ? and mode = ? and period = ?",
        [indicator, mode, period],
    )
    names = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    assert len(rows) == 1, rows
    return dict(zip(names, rows[0], strict=True))


DOROTEA_CASES = [
    # (case, expected status, words in the reason)
    (Case("tie", 100.0), "green", "bättre än referensen"),
    (Case("better", 120.0), "green", "bättre än referensen"),
    (Case("five-pct-worse", 95.0), "yellow", "högst 10 %"),
    (Case("exactly-ten-pct-worse", 90.0), "yellow", "högst 10 %"),
    (Case("just-over-ten-pct", 89.99), "red", "mer än 10 %"),
    (Case("target-reached-below-mean", 85.0, target=80.0), "green", "Målvärdet är nått"),
    (Case("target-missed-within-tolerance", 95.0, target=99.0), "yellow", "högst 10 %"),
    (Case("lower-above-mean-within", 110.0, direction="lower"), "yellow", "högst 10 %"),
    (Case("lower-below-mean", 90.0, direction="lower"), "green", "bättre"),
    (Case("lower-far-above", 110.01, direction="lower"), "red", "mer än 10 %"),
    (Case("lower-target-reached", 130.0, direction="lower", target=130.0), "green", "nått"),
    (Case("mean-zero-worse", -1.0, mean=0), "grey", "Referensvärdet är 0"),
    (Case("mean-zero-equal", 0.0, mean=0), "green", "bättre än referensen"),
    (Case("negative-within", -2.1, mean=-2), "yellow", "högst 10 %"),
    (Case("negative-beyond", -3.0, mean=-2), "red", "mer än 10 %"),
    (Case("negative-lower-better", -3.0, mean=-2, direction="lower"),
     "green", "bättre"),
    (Case("neutral", 100.0, direction="neutral"), "grey", "Neutral riktning"),
    (Case("too-few", 100.0, others=(100, None, None, None)), "grey",
     "För få kommuner i referensen (2 av 5)"),
    (Case("no-value-here", None), "grey", "Inga värden för kommunen ännu"),
    (Case("new-measure", None, others=(None, None, None, None), other_county=None,
          national=False), "grey", "Nytt mått"),
    (Case("absolute-within", 98.5, tolerance_kind="absolute", tolerance_value=2), "yellow",
     "högst 2 enheter"),
    (Case("absolute-beyond", 97.9, tolerance_kind="absolute", tolerance_value=2), "red",
     "mer än 2 enheter"),
    (Case("tolerance-five", 94.0, tolerance_value=5), "red", "mer än 5 %"),
    (Case("kpi-removed", 100.0, kpi_exists=False), "grey", "finns inte längre"),
    (Case("riket-reference", 49.0, reference_kind="riket"), "yellow", "högst 10 %"),
    (Case("kommuner-reference", 100.0, reference_kind="kommuner", direction="lower",
          reference_kommuner=["2402", "2501"], min_reference_count=2), "green", "bättre"),
    (Case("own-trend-reference", 80.0, reference_kind="own_trend", reference_years=2,
          history={2020: 100.0}, min_reference_count=1), "red", "mer än 10 %"),
]  # fmt: skip


@pytest.fixture(scope="module")
def dorotea() -> duckdb.DuckDBPyConnection:
    return build([case for case, _, _ in DOROTEA_CASES])


@pytest.mark.parametrize(
    ("case", "expected", "reason"), DOROTEA_CASES, ids=[c.indicator for c, _, _ in DOROTEA_CASES]
)
def test_the_dorotea_rule(
    dorotea: duckdb.DuckDBPyConnection, case: Case, expected: str, reason: str
) -> None:
    row = status(dorotea, case.indicator)
    assert (row["status"], row["source_label"]) == (
        expected, "Egen bearbetning av data från Kolada"
    ), row  # fmt: skip
    assert reason in row["reason"], row
    if expected == "grey":
        assert row["motivation"] == f"motivering {case.indicator}"
    else:
        assert row["motivation"] is None


def test_the_county_mean_uses_only_the_countys_kommuner_and_never_the_region(
    dorotea: duckdb.DuckDBPyConnection,
) -> None:
    row = status(dorotea, "five-pct-worse")
    # 2401 and 2402-2405: the five kommuner of county 24; not 2501/2502, not the region 0024.
    assert row["reference_value"] == pytest.approx(100.0)
    assert (row["reference_count"], row["reference_expected"]) == (5, 5)
    assert row["deviation_pct"] == pytest.approx(-5.0)
    kommuner = status(dorotea, "kommuner-reference")
    assert (kommuner["reference_value"], kommuner["reference_count"]) == (550.0, 2)
    assert status(dorotea, "riket-reference")["reference_value"] == 50.0
    reference = dorotea.execute(
        "select source_label from mart_reference_value where reference_kind = 'riket' limit 1"
    ).fetchone()
    assert reference == ("Källa: Kolada",)


OTHER_RULES = [
    (Case("target-only-reached", 80.0, rule="target_only", target=80.0), "green", "nått"),
    (Case("target-only-missed", 79.0, rule="target_only", target=80.0), "red", "inte nått"),
    (Case("target-only-none", 79.0, rule="target_only"), "grey", "Målvärde saknas"),
    (Case("target-only-neutral", 80.0, rule="target_only", target=80.0, direction="neutral"),
     "green", "nått"),
    (Case("trend-up", 102.0, rule="trend", history={2021: 100.0}), "green",
     "Förbättrat sedan 2021"),
    (Case("trend-flat", 100.5, rule="trend", history={2021: 100.0}), "yellow", "Oförändrat"),
    (Case("trend-down", 97.0, rule="trend", history={2021: 100.0}), "red", "Försämrat"),
    (Case("trend-lower-down-is-good", 97.0, rule="trend", direction="lower",
          history={2021: 100.0}), "green", "Förbättrat"),
    (Case("trend-no-history", 97.0, rule="trend"), "grey", "Inget tidigare värde"),
    (Case("trend-from-zero", 5.0, rule="trend", history={2021: 0.0}), "grey",
     "Tidigare värde är 0"),
    (Case("quartile-best", 8.0, rule="quartile", others=(1, 2, 3, 4), other_county=None),
     "green", "25 % bästa"),
    (Case("quartile-worst", 0.5, rule="quartile", others=(1, 2, 3, 4), other_county=None),
     "red", "25 % sämsta"),
    (Case("quartile-middle", 2.5, rule="quartile", others=(1, 2, 3, 4), other_county=None),
     "yellow", "Mellan"),
    (Case("quartile-lower-best", 0.5, rule="quartile", direction="lower", others=(1, 2, 3, 4),
          other_county=None),
     "green", "25 % bästa"),
    (Case("quartile-too-few", 5.0, rule="quartile", others=(1, None, None, None),
          other_county=None), "grey", "För få"),
    (Case("monitor", 5.0, rule="monitor", direction=None), "grey", "utan bedömning"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "expected", "reason"), OTHER_RULES, ids=[c.indicator for c, _, _ in OTHER_RULES]
)
def test_the_other_rules(case: Case, expected: str, reason: str) -> None:
    # Quartiles rank among all kommuner: each case gets a database of its own.
    row = status(build([case]), case.indicator)
    assert row["status"] == expected, row
    assert reason in row["reason"], row


def test_grey_reasons_for_missing_values() -> None:
    con = build([
        Case("never", None),
        Case("not-published", None, history={2021: 100.0}, period=2023),
        Case("gap", None, history={2021: 100.0}, period=2018),
    ])  # fmt: skip
    assert status(con, "never")["reason"] == "Inga värden för kommunen ännu"
    assert "Inte publicerat ännu" in status(con, "not-published", period=2023)["reason"]
    assert status(con, "gap", period=2018)["reason"] == "Inget värde för perioden"


def test_forecasts_manual_then_trend_then_none() -> None:
    con = build(
        [
            Case("manual", 100.0, history={2021: 90.0}),
            Case("trend", 12.0, others=(12, 12, 12, 12), history={2020: 10.0, 2021: 11.0}),
            Case("one-point", 100.0),
        ],
        forecasts=[("manual", 2023, 120.0)],
    )
    manual = status(con, "manual", "forecast", 2023)
    assert (manual["value"], manual["value_basis"], manual["status"]) == (
        120.0, "manuell prognos", "green"
    )  # fmt: skip
    assert manual["reference_period"] == YEAR
    trend = status(con, "trend", "forecast", 2023)
    assert trend["value_basis"] == "trendprognos"
    assert trend["value"] == pytest.approx(13.0)
    assert trend["status"] == "green"
    none = status(con, "one-point", "forecast", 2023)
    assert (none["value"], none["status"]) == (None, "grey")
    assert "Prognos kan inte göras" in none["reason"]
    report = con.execute(
        "select period, mode from mart_indicator_report where indicator_id = 'manual' "
        "and report_mode = 'forecast' and report_year = 2022"
    ).fetchall()
    assert report == [(2022, "outcome")]  # a year with an outcome shows the outcome


def test_a_trend_forecast_has_the_decimals_of_its_values() -> None:
    con = build(
        [
            Case("one-decimal", 10.9, others=(10, 10, 10, 10), history={2020: 10.1, 2021: 10.4}),
            Case("integers", 15.0, others=(15, 15, 15, 15), history={2020: 10.0, 2021: 12.0}),
            Case("three-decimals", 10.789, others=(10, 10, 10, 10),
                 history={2020: 10.123, 2021: 10.456}),
        ]
    )  # fmt: skip
    # 10.1, 10.4, 10.9 extrapolate to 11.2666...: stored as 11.3.
    one_decimal = status(con, "one-decimal", "forecast", 2023)
    assert one_decimal["value_basis"] == "trendprognos"
    assert one_decimal["value"] == 11.3
    # 10, 12, 15 extrapolate to 17.333...: stored as 17.
    assert status(con, "integers", "forecast", 2023)["value"] == 17.0
    # More decimals than 2 are not kept: 11.122 is stored as 11.12.
    assert status(con, "three-decimals", "forecast", 2023)["value"] == 11.12
    stored = con.execute(
        "select value from mart_indicator_status_row where value_basis = 'trendprognos'"
    ).fetchall()
    assert stored and all(round(value, 2) == value for (value,) in stored)


def goal_status(con: duckdb.DuckDBPyConnection, goal: str, year: int = YEAR) -> tuple[str, str]:
    row = con.execute(
        "select status, reason from mart_goal_status where goal_id = ? and report_year = ? "
        "and report_mode = 'outcome'",
        [goal, year],
    ).fetchone()
    assert row is not None
    return row[0], row[1]


def test_roll_up_majority_tie_goes_to_the_worse_and_grey_does_not_vote() -> None:
    cases = [
        Case("g", 100.0, goal="G1"), Case("y", 95.0, goal="G1"), Case("grey", None, goal="G1"),
        Case("r1", 50.0, goal="G2"), Case("r2", 50.0, goal="G2"), Case("g2", 200.0, goal="G2"),
    ]  # fmt: skip
    con = build(cases)
    assert goal_status(con, "G1")[0] == "yellow"  # 1 green, 1 yellow: tie -> worse
    assert "1 kunde inte bedömas" in goal_status(con, "G1")[1]
    assert goal_status(con, "G2")[0] == "red"
    assert goal_status(con, "G0")[0] == "red"  # children: G1 yellow, G2 red -> tie -> red
    worst = build(cases[:2], rollup="worst")
    assert goal_status(worst, "G1")[0] == "yellow"


def test_roll_up_climbs_every_level_of_the_tree() -> None:
    cases = [
        Case("r1", 50.0, goal="G2"), Case("r2", 50.0, goal="G2"),
        Case("g1", 100.0, goal="G1"), Case("g2", 120.0, goal="G1"),
    ]  # fmt: skip
    con = build(cases, goals=(("G0", None), ("G1", "G0"), ("G2", "G1")))
    majority = " (majoritet, lika går till det sämre)"
    assert goal_status(con, "G2") == ("red", "0 gröna, 0 gula, 2 röda" + majority)
    # G1 votes over its two indicators and its sub-goal G2
    assert goal_status(con, "G1") == ("green", "2 gröna, 0 gula, 1 röda" + majority)
    assert goal_status(con, "G0") == ("green", "1 gröna, 0 gula, 0 röda" + majority)


def test_roll_up_of_only_grey_children_is_grey_with_a_reason() -> None:
    con = build([Case("a", None, goal="G1"), Case("b", 100.0, goal="G2", rule="monitor")])
    assert goal_status(con, "G1") == ("grey", "Inget av 1 underliggande kunde bedömas")
    assert goal_status(con, "G0")[0] == "grey"


def test_outcome_report_shows_the_latest_published_period() -> None:
    con = build([Case("late", 100.0)])
    rows = con.execute(
        "select report_year, period, status from mart_indicator_report "
        "where report_mode = 'outcome' order by report_year"
    ).fetchall()
    assert rows == [(2021, 2021, "grey"), (2022, 2022, "green"), (2023, 2022, "green"),
                    (2024, 2022, "green")]  # fmt: skip


def test_every_report_row_is_a_status_row() -> None:
    """The report view adds its own two columns to the status view's: a report row is the
    status row it shows."""
    con = build(
        [
            Case("manual", 100.0, history={2021: 90.0}),
            Case("gap", None, history={2021: 100.0}, period=2018),
            Case("never", None, rule="target_only", target=5.0),
        ],
        forecasts=[("manual", 2023, 120.0)],
    )
    status_columns = [d[0] for d in con.execute("select * from mart_indicator_status").description]
    report_columns = [d[0] for d in con.execute("select * from mart_indicator_report").description]
    assert report_columns == ["report_mode", "report_year", *status_columns]
    not_a_status_row = con.execute(
        "select * exclude (report_mode, report_year) from mart_indicator_report "
        "except select * from mart_indicator_status"
    ).fetchall()
    assert not_a_status_row == []
    assert con.execute("select count(*) from mart_indicator_report").fetchone() == (3 * 4 * 2,)
