"""Comparisons and statuses: the SQL models of sql/status/marts, in name order."""

from __future__ import annotations

import logging
import time

import duckdb

from kolada_goals.sql_files import read_sql, sql_files
from kolada_goals.warehouse import run_sql_file

logger = logging.getLogger(__name__)


def build_marts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rebuild every mart; returns row counts.

    Each model commits on its own: one transaction around all of them doubled the time, and
    a half-built set is never published (the run fails and the next run rebuilds)."""
    started = time.perf_counter()
    # Tables of earlier versions that are views now: a view cannot replace a table.
    for (table,) in con.execute(read_sql("status/replaced_mart_tables.sql")).fetchall():
        con.execute(f'drop table "{table}"')
    for path in sql_files("status/marts"):
        run_sql_file(con, path)
    counts = {
        table: int(con.execute(f"select count(*) from {table}").fetchone()[0])  # type: ignore[index]
        for table in (
            "mart_reference_value",
            "mart_indicator_status",
            "mart_indicator_report",
            "mart_goal_status",
        )
    }
    logger.info("marts built in %.2f s: %s", time.perf_counter() - started, counts)
    return counts
