from datetime import UTC, date, datetime, timedelta

import duckdb
import pytest

from kolada_goals.incremental import decide_load, record_loaded, scope_hash
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
