"""Every data test fires on rows that break its rule, and only then: a small clean warehouse
breaks none, and each case below breaks one rule of it."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pytest

from kolada_goals.status.data_tests import data_tests, run_data_tests
from kolada_goals.status.marts import build_marts
from kolada_goals.warehouse import apply_schema, connect

CLEAN_ROWS = (
    "insert into core_kpi (kpi_id, title, is_divided_by_gender, municipality_type, has_ou_data, "
    "publ_period) values ('N00001', 'Behöriga', false, 'K', true, '2022')",
    "insert into core_kpi_group (kpi_group_id, title) values ('GKPI1', 'Skola')",
    "insert into core_kpi_group_member (kpi_group_id, kpi_id, member_title) "
    "values ('GKPI1', 'N00001', 'Behöriga')",
    "insert into core_municipality (municipality_id, title, municipality_type) values "
    "('0000', 'Riket', 'L'), ('0024', 'Region Västerbotten', 'L'), ('2401', 'Nordmaling', 'K'), "
    "('2403', 'Bjurholm', 'K')",
    "insert into core_municipality_group (group_id, title) values ('G2328', 'Alla kommuner')",
    "insert into core_municipality_group_member (group_id, member_id, member_title, valid_from, "
    "valid_to, first_seen_run_id) values ('G2328', '2401', 'Nordmaling', '2024-01-01', null, "
    "'run-1')",
    "insert into core_ou (ou_id, municipality_id, title) values ('V24E240100', '2401', 'Skolan')",
    "insert into hist_kpi_value (kpi_id, municipality_id, period, gender, value, is_deleted, "
    "is_revision, valid_from, run_id) values "
    "('N00001', '2401', 2022, 'T', 80, false, false, '2024-01-01', 'run-1'), "
    "('N00001', '2403', 2022, 'T', 90, false, false, '2024-01-01', 'run-1'), "
    "('N00001', '0024', 2022, 'T', 85, false, false, '2024-01-01', 'run-1'), "
    "('N00001', '0000', 2022, 'T', 85, false, false, '2024-01-01', 'run-1'), "
    "('N00001', 'G2328', 2022, 'T', 85, false, false, '2024-01-01', 'run-1')",
    "insert into goal_definition_file (kommun_id, kommun_name, file_path, file_sha256, vision, "
    "mandate_first_year, mandate_last_year, rollup_method, loaded_at) values "
    "('2401', 'Nordmaling', '2401.yaml', 'x', 'Vision', 2023, 2026, 'majority', '2024-01-01')",
    "insert into goal (kommun_id, goal_id, depth, ordinal, title, mandate_first_year, "
    "mandate_last_year) values ('2401', 'G1', 0, 0, 'Mål', 2023, 2026)",
    "insert into goal_indicator (kommun_id, indicator_id, goal_id, ordinal, kpi_id, gender, "
    "direction, reference_kind, rule, tolerance_kind, tolerance_value, min_reference_count, "
    "is_example) values ('2401', 'I1', 'G1', 0, 'N00001', 'T', 'higher', 'county', 'dorotea', "
    "'relative', 10, 1, false)",
)

# The primary key refuses a second row with the same id; the grain test guards a table that
# was built without it (as `create table ... as` builds one).
WITHOUT_PRIMARY_KEY = "create or replace table {table} as from {table}"


@dataclass(frozen=True)
class Breach:
    """Statements that break one rule of the clean warehouse after its marts are built."""

    statements: tuple[str, ...]
    also_fires: frozenset[str] = frozenset()  # tests that cannot but fire with it


def a_second_row(table: str, insert: str) -> Breach:
    return Breach((WITHOUT_PRIMARY_KEY.format(table=table), insert))


def a_copy_of_a_row(table: str, also_fires: frozenset[str] = frozenset()) -> Breach:
    """A table of the clean warehouse with rows: one of them again."""
    return Breach(
        (WITHOUT_PRIMARY_KEY.format(table=table), f"insert into {table} by name "
         f"(select * from {table} limit 1)"),
        also_fires,
    )  # fmt: skip


def the_same_row_twice(table: str, insert: str) -> Breach:
    """A table the clean warehouse leaves empty: one row, twice."""
    return Breach((WITHOUT_PRIMARY_KEY.format(table=table), insert, insert))


BREACHES: dict[str, Breach] = {
    "core_kpi_value_grain_is_unique": Breach(
        (
            "insert into hist_kpi_value (kpi_id, municipality_id, period, gender, value, "
            "is_deleted, is_revision, valid_from, run_id) values "
            "('N00001', '2401', 2022, 'T', 81, false, true, '2024-02-01', 'run-2')",
        ),
        # core_kpi_value is the open rows of hist_kpi_value: a duplicate in it is one there
        also_fires=frozenset({"hist_kpi_value_one_open_row_per_key"}),
    ),
    "core_kpi_value_has_a_catalogue": Breach(("delete from core_kpi",)),
    "core_kpi_value_ids_have_kolada_form": Breach(
        (
            "insert into hist_kpi_value (kpi_id, municipality_id, period, gender, value, "
            "is_deleted, is_revision, valid_from, run_id) values "
            "('N00001', '2401', 2022, 'X', 80, false, false, '2024-01-01', 'run-1')",
        )
    ),
    "core_municipality_group_member_one_open_row": Breach(
        (
            "insert into core_municipality_group_member (group_id, member_id, member_title, "
            "valid_from, valid_to, first_seen_run_id) values "
            "('G2328', '2401', 'Nordmalings kommun', '2024-02-01', null, 'run-2')",
        )
    ),
    # A group's values are not in core_kpi_value, so only the history breaks a rule.
    "hist_kpi_value_one_open_row_per_key": Breach(
        (
            "insert into hist_kpi_value (kpi_id, municipality_id, period, gender, value, "
            "is_deleted, is_revision, valid_from, run_id) values "
            "('N00001', 'G2328', 2022, 'T', 86, false, true, '2024-02-01', 'run-2')",
        )
    ),
    # A goal added after the roll-up has no statuses.
    "mart_goal_status_covers_every_goal": Breach(
        (
            "insert into goal (kommun_id, goal_id, parent_goal_id, depth, ordinal, title, "
            "mandate_first_year, mandate_last_year) values "
            "('2401', 'G2', 'G1', 1, 1, 'Delmål', 2023, 2026)",
        )
    ),
    "mart_indicator_status_grain_is_unique": Breach(
        (
            "insert into mart_indicator_status_row (indicator_key, mode, period, status, reason) "
            "values (1, 'outcome', 2022, 'green', 'Bättre än referensen')",
        )
    ),
    "mart_cost_quality_grain_is_unique": Breach(
        (
            "insert into mart_cost_quality (kommun_id, goal_id, quality_indicator_id, "
            "cost_indicator_id, period, member_id) values ('2401', 'G1', 'I1', 'I2', 2022, "
            "'2401')",
        )
        * 2
    ),
    "mart_indicator_fact_grain_is_unique": Breach(
        (
            "insert into mart_indicator_fact (kommun_id, indicator_id, period, is_preliminary) "
            "values ('2401', 'I9', 2022, false)",
        )
        * 2
    ),
    "mart_indicator_status_is_explained": Breach(
        (
            "insert into mart_indicator_status_row (indicator_key, mode, period, status, reason) "
            "values (1, 'outcome', 2021, 'grey', null)",
        )
    ),
    "core_kpi grain is unique": a_second_row(
        "core_kpi",
        "insert into core_kpi (kpi_id, title, is_divided_by_gender, municipality_type, "
        "has_ou_data) values ('N00001', 'Behöriga lärare', false, 'K', true)",
    ),
    "core_kpi ids have Kolada's form": Breach(
        (
            "insert into core_kpi (kpi_id, title, is_divided_by_gender, municipality_type, "
            "has_ou_data) values ('N0001', 'Fyra siffror', false, 'K', false)",
        )
    ),
    "core_kpi_group grain is unique": a_second_row(
        "core_kpi_group",
        "insert into core_kpi_group (kpi_group_id, title) values ('GKPI1', 'Skolan')",
    ),
    "core_kpi_group ids have Kolada's form": Breach(
        ("insert into core_kpi_group (kpi_group_id, title) values ('KPI1', 'Utan G')",)
    ),
    "core_kpi_group_member grain is unique": Breach(
        (
            "insert into core_kpi_group_member (kpi_group_id, kpi_id, member_title) "
            "values ('GKPI1', 'N00001', 'Behöriga lärare')",
        )
    ),
    "core_kpi_group_member ids have Kolada's form": Breach(
        (
            "insert into core_kpi_group_member (kpi_group_id, kpi_id, member_title) "
            "values ('GKPI1', 'n00002', 'Gemen bokstav')",
        )
    ),
    "core_municipality grain is unique": a_second_row(
        "core_municipality",
        "insert into core_municipality (municipality_id, title, municipality_type) "
        "values ('2401', 'Nordmalings kommun', 'K')",
    ),
    "core_municipality ids have Kolada's form": Breach(
        (
            "insert into core_municipality (municipality_id, title, municipality_type) "
            "values ('240', 'Tre siffror', 'K')",
        )
    ),
    "core_municipality_group grain is unique": a_second_row(
        "core_municipality_group",
        "insert into core_municipality_group (group_id, title) values ('G2328', 'Kommuner')",
    ),
    "core_municipality_group ids have Kolada's form": Breach(
        ("insert into core_municipality_group (group_id, title) values ('2328', 'Utan G')",)
    ),
    "core_ou grain is unique": a_second_row(
        "core_ou",
        "insert into core_ou (ou_id, municipality_id, title) "
        "values ('V24E240100', '2401', 'Skolan, nytt namn')",
    ),
    "core_ou ids have Kolada's form": Breach(
        (
            "insert into core_ou (ou_id, municipality_id, title) "
            "values ('V24E240101', '24O1', 'Bokstaven O i kommunkoden')",
        )
    ),
    # The tables whose grain their DDL's primary key states (kept by data tests on a lake).
    # a goal twice is one goal more than its roll-up rows cover
    "goal grain is unique": a_copy_of_a_row(
        "goal", frozenset({"mart_goal_status_covers_every_goal"})
    ),
    "goal_definition_file grain is unique": a_copy_of_a_row("goal_definition_file"),
    "goal_indicator grain is unique": a_copy_of_a_row("goal_indicator"),
    "goal_indicator_forecast grain is unique": the_same_row_twice(
        "goal_indicator_forecast",
        "insert into goal_indicator_forecast (kommun_id, indicator_id, period, forecast_value) "
        "values ('2401', 'I1', 2026, 80)",
    ),
    "goal_indicator_target grain is unique": the_same_row_twice(
        "goal_indicator_target",
        "insert into goal_indicator_target (kommun_id, indicator_id, period, target_value) "
        "values ('2401', 'I1', 2026, 80)",
    ),
    "goal_cost_quality grain is unique": the_same_row_twice(
        "goal_cost_quality",
        "insert into goal_cost_quality (kommun_id, goal_id, quality_indicator_id, "
        "cost_indicator_id, ordinal, reference_kind) values ('2401', 'G1', 'I1', 'I2', 0, "
        "'county')",
    ),
    "goal_local_value grain is unique": the_same_row_twice(
        "goal_local_value",
        "insert into goal_local_value (kommun_id, indicator_id, period, value) "
        "values ('2401', 'I1', 2026, 80)",
    ),
    "meta_kpi_load_state grain is unique": the_same_row_twice(
        "meta_kpi_load_state",
        "insert into meta_kpi_load_state (kpi_id, scope_hash, last_full_at, last_loaded_at) "
        "values ('N00001', 'h', '2024-01-01', '2024-01-01')",
    ),
    "meta_kpi_watch grain is unique": the_same_row_twice(
        "meta_kpi_watch",
        "insert into meta_kpi_watch (run_id, kpi_id, checked_at, kpi_exists) "
        "values ('run-1', 'N00001', '2024-01-01', true)",
    ),
    "meta_kpi_watch_change grain is unique": the_same_row_twice(
        "meta_kpi_watch_change",
        "insert into meta_kpi_watch_change (run_id, kpi_id, field, old_value, new_value) "
        "values ('run-1', 'N00001', 'title', 'a', 'b')",
    ),
    "meta_run grain is unique": the_same_row_twice(
        "meta_run",
        "insert into meta_run (run_id, started_at, mode, base_url, status) "
        "values ('run-1', '2024-01-01', 'full', 'http://kolada.test', 'succeeded')",
    ),
}


def clean_warehouse() -> duckdb.DuckDBPyConnection:
    con = connect()
    apply_schema(con)
    for statement in CLEAN_ROWS:
        con.execute(statement)
    build_marts(con)
    return con


def test_the_clean_warehouse_breaks_no_rule() -> None:
    con = clean_warehouse()
    assert con.execute("select count(*) from mart_indicator_status").fetchone() != (0,)
    assert run_data_tests(con) == []


def test_every_data_test_has_a_case_that_makes_it_fire() -> None:
    names = [test.name for test in data_tests()]
    assert len(names) == len(set(names))
    assert set(names) == set(BREACHES)


@pytest.mark.parametrize("test", sorted(BREACHES))
def test_the_breach_of_a_rule_fires_its_test_alone(test: str) -> None:
    breach = BREACHES[test]
    con = clean_warehouse()
    for statement in breach.statements:
        con.execute(statement)
    failures = run_data_tests(con)
    assert {failure.test for failure in failures} == {test, *breach.also_fires}
    assert all(failure.rows > 0 and failure.sample for failure in failures)
