"""The DuckDB database: connecting and creating tables and views from sql/."""

from __future__ import annotations

from pathlib import Path

import duckdb

from kolada_goals.sql_files import sql_files


def connect(path: Path | str = ":memory:", read_only: bool = False) -> duckdb.DuckDBPyConnection:
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(path), read_only=read_only)


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table of sql/schema, then every view of sql/views (idempotent)."""
    for path in [*sql_files("schema"), *sql_files("views")]:
        try:
            con.execute(path.read_text(encoding="utf-8"))
        except duckdb.Error as error:
            raise RuntimeError(f"{path}: {error}") from error
