import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from kolada_goals.outputs.catalog import (
    DEFAULT_CATALOG_PATH,
    catalog_database,
    catalog_relations,
    render_catalog,
)
from kolada_goals.warehouse import apply_schema, connect

# Tables (and views) whose every column must say what it holds; "goal" covers goal and goal_*.
FULLY_DOCUMENTED_PREFIXES = ("core_", "hist_", "meta_", "goal", "mart_indicator_status")
# Tables whose columns are described in the table comment instead: DuckDB 1.5.6 cannot replay
# a COMMENT ON COLUMN from the WAL for a table with a function default (see the SQL file).
COLUMNS_IN_TABLE_COMMENT = ("meta_failed_request",)


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = catalog_database()
    yield connection
    connection.close()


def test_the_committed_catalogue_is_up_to_date(con: duckdb.DuckDBPyConnection) -> None:
    committed = DEFAULT_CATALOG_PATH.read_text(encoding="utf-8")
    assert committed == render_catalog(con), (
        "docs/catalog.md is out of date: regenerate with `kolada-goals catalog`"
    )


def test_every_table_and_view_has_a_comment(con: duckdb.DuckDBPyConnection) -> None:
    relations = catalog_relations(con)
    kinds = {r.kind for r in relations}
    assert {"table", "view"} <= kinds
    missing = [f"{r.name} ({r.kind})" for r in relations if not r.comment]
    assert not missing, "no COMMENT ON for: " + ", ".join(missing)


def _columns_without_comment(con: duckdb.DuckDBPyConnection, prefixes: tuple[str, ...]) -> str:
    return ", ".join(
        f"{r.name}.{c.name}"
        for r in catalog_relations(con)
        if r.name.startswith(prefixes)
        for c in r.columns
        if not (c.comment or (r.name in COLUMNS_IN_TABLE_COMMENT and f"{c.name}," in r.comment))
    )


def test_every_column_of_the_documented_tables_has_a_comment(
    con: duckdb.DuckDBPyConnection,
) -> None:
    missing = _columns_without_comment(con, FULLY_DOCUMENTED_PREFIXES)
    assert not missing, "no COMMENT ON for the columns: " + missing


def test_every_column_of_mart_goal_status_has_a_comment(
    con: duckdb.DuckDBPyConnection,
) -> None:
    missing = _columns_without_comment(con, ("mart_goal_status",))
    assert not missing, "no COMMENT ON for the columns: " + missing


def test_apply_schema_twice_keeps_tables_and_comments() -> None:
    con = connect()
    try:
        apply_schema(con)
        first = render_catalog(con)
        con.execute("insert into core_kpi_group (kpi_group_id, title) values ('GKPI118', 'KKiK')")
        apply_schema(con)
        assert render_catalog(con) == first
        assert con.execute("select count(*) from core_kpi_group").fetchone() == (1,)
    finally:
        con.close()


def test_a_process_killed_after_apply_schema_leaves_a_database_that_opens(tmp_path: Path) -> None:
    """Every COMMENT ON is in the WAL until a checkpoint; replaying it must work."""
    database = tmp_path / "work.duckdb"
    script = (
        "import os\n"
        "from kolada_goals.warehouse import apply_schema, connect\n"
        f"con = connect({str(database)!r})\n"
        "apply_schema(con)\n"
        "apply_schema(con)\n"
        "os._exit(0)\n"  # killed: no checkpoint, the WAL stays
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)
    assert database.with_name(database.name + ".wal").stat().st_size > 0
    with duckdb.connect(str(database)) as con:
        query = "select comment from duckdb_tables() where table_name = 'meta_run'"
        (comment,) = con.execute(query).fetchone() or (None,)
    assert comment is not None and comment.startswith("One row per pipeline run")
