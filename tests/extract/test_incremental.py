from datetime import UTC, date, datetime, timedelta

import duckdb
import pytest

from kolada_goals.extract.incremental import (
    DEFAULT_FULL_EVERY_DAYS,
    SPREAD_FROM_KPIS,
    decide_load,
    record_loaded,
    scope_hash,
)
from kolada_goals.warehouse import apply_schema, connect

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
SCOPE = scope_hash(range(2000, 2026), None)


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    connection = connect()
    apply_schema(connection)
    return connection


def test_first_run_is_full(con: duckdb.DuckDBPyConnection) -> None:
    decision = decide_load(con, ["N1", "N2"], SCOPE, NOW)
    assert decision.full_kpi_ids == ("N1", "N2")
    assert decision.incremental_kpi_ids == ()
    assert decision.since is None and decision.mode == "full"


def test_next_night_is_incremental_from_the_day_before_the_last_load(
    con: duckdb.DuckDBPyConnection,
) -> None:
    record_loaded(con, ["N1", "N2"], SCOPE, NOW, is_full=True)
    decision = decide_load(con, ["N1", "N2"], SCOPE, NOW + timedelta(days=1))
    assert decision.mode == "incremental"
    assert decision.incremental_kpi_ids == ("N1", "N2")
    assert decision.since == date(2026, 11, 23)


def test_weekly_reconciliation_new_kpis_and_changed_scope_load_in_full(
    con: duckdb.DuckDBPyConnection,
) -> None:
    record_loaded(con, ["N1"], SCOPE, NOW, is_full=True)
    record_loaded(con, ["N2"], SCOPE, NOW - timedelta(days=6), is_full=True)
    record_loaded(con, ["N2"], SCOPE, NOW, is_full=False)  # incremental keeps last_full_at
    later = NOW + timedelta(days=1, hours=1)
    decision = decide_load(con, ["N1", "N2", "N3"], SCOPE, later)
    assert decision.full_kpi_ids == ("N2", "N3")  # N2's full load is 7 days old; N3 is new
    assert decision.incremental_kpi_ids == ("N1",)
    other_scope = scope_hash(range(2001, 2027), None)
    assert decide_load(con, ["N1"], other_scope, later).full_kpi_ids == ("N1",)
    assert decide_load(con, ["N1"], SCOPE, later, force_full=True).full_kpi_ids == ("N1",)


def simulate_week(
    con: duckdb.DuckDBPyConnection, kpi_ids: list[str], nights: int
) -> list[tuple[str, ...]]:
    """Run `nights` nights after a first full load; the KPIs each night loads in full."""
    record_loaded(con, kpi_ids, SCOPE, NOW, is_full=True)
    loaded_in_full = []
    for night in range(1, nights + 1):
        now = NOW + timedelta(days=night, minutes=night)  # start times drift a little
        decision = decide_load(con, kpi_ids, SCOPE, now)
        loaded_in_full.append(decision.full_kpi_ids)
        record_loaded(con, decision.full_kpi_ids, SCOPE, now, is_full=True)
        record_loaded(con, decision.incremental_kpi_ids, SCOPE, now, is_full=False)
    return loaded_in_full


def test_a_large_catalogue_spreads_its_weekly_full_load_over_the_week(
    con: duckdb.DuckDBPyConnection,
) -> None:
    kpi_ids = [f"N{n:05d}" for n in range(SPREAD_FROM_KPIS * 5)]
    week = simulate_week(con, kpi_ids, DEFAULT_FULL_EVERY_DAYS)
    # Each KPI once a week, each night about a seventh of them.
    assert sorted(kpi for night in week for kpi in night) == kpi_ids
    share = len(kpi_ids) / DEFAULT_FULL_EVERY_DAYS
    assert all(0.7 * share < len(night) < 1.3 * share for night in week), [len(n) for n in week]
    # The second week repeats the first: every KPI keeps its night.
    second_week = simulate_week(con, kpi_ids, 2 * DEFAULT_FULL_EVERY_DAYS)[7:]
    assert [set(night) for night in second_week] == [set(night) for night in week]


def test_a_rerun_on_the_same_night_loads_nothing_in_full_again(
    con: duckdb.DuckDBPyConnection,
) -> None:
    kpi_ids = [f"N{n:05d}" for n in range(SPREAD_FROM_KPIS)]
    [first] = simulate_week(con, kpi_ids, 1)
    assert first
    rerun = decide_load(con, kpi_ids, SCOPE, NOW + timedelta(days=1, hours=2))
    assert rerun.full_kpi_ids == ()


def test_a_small_set_of_kpis_is_loaded_in_full_together_once_a_week(
    con: duckdb.DuckDBPyConnection,
) -> None:
    kpi_ids = [f"N{n:05d}" for n in range(SPREAD_FROM_KPIS - 1)]
    week = simulate_week(con, kpi_ids, DEFAULT_FULL_EVERY_DAYS)
    assert week[:-1] == [()] * (DEFAULT_FULL_EVERY_DAYS - 1)
    assert week[-1] == tuple(kpi_ids)
