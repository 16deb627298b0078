"""The DuckDB database: connecting and creating tables and views from sql/."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from kolada_goals.sql_files import sql_files

# DuckDB's buffer pool would otherwise grow towards 80 % of RAM as the database grows; with a
# limit it evicts and spills to disk, so a run's memory stays flat whatever Kolada's size.
MEMORY_LIMIT_VARIABLE = "KOLADA_GOALS_DUCKDB_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "256MB"


def connect(path: Path | str = ":memory:", read_only: bool = False) -> duckdb.DuckDBPyConnection:
    if str(path) == ":memory:":
        return duckdb.connect(":memory:")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    limit = os.environ.get(MEMORY_LIMIT_VARIABLE) or DEFAULT_MEMORY_LIMIT
    return duckdb.connect(str(path), read_only=read_only, config={"memory_limit": limit})


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table of sql/schema, then every view of sql/views (idempotent)."""
    for path in [*sql_files("schema"), *sql_files("views")]:
        try:
            con.execute(path.read_text(encoding="utf-8"))
        except duckdb.Error as error:
            raise RuntimeError(f"{path}: {error}") from error
