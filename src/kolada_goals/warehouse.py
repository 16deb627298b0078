"""The DuckDB database: connecting and creating tables and views from sql/."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from kolada_goals.sql_files import SQL_ROOT, read_sql, sql_files

# While values stream in, DuckDB's buffer pool would grow towards 80 % of RAM with the
# database; with a limit it evicts and spills to disk, so loading stays flat in memory
# whatever Kolada's size. Building the marts needs working memory and runs without it.
MEMORY_LIMIT_VARIABLE = "KOLADA_GOALS_DUCKDB_MEMORY_LIMIT"
DEFAULT_LOADING_MEMORY_LIMIT = "256MB"

# Tables before views, load's before those of the goals (views join both).
SCHEMA_FOLDERS = ("load/schema", "goals/schema", "load/views", "goals/views")


def connect(path: Path | str = ":memory:", read_only: bool = False) -> duckdb.DuckDBPyConnection:
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(path), read_only=read_only)


@contextmanager
def loading_settings(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """For the duration of a load: cap DuckDB's memory, and run its statements on one thread
    (they are small, and fetching and decoding pages keep the other cores busy; DuckDB's own
    threads then only add contention). Both return to DuckDB's defaults after."""
    limit = os.environ.get(MEMORY_LIMIT_VARIABLE) or DEFAULT_LOADING_MEMORY_LIMIT
    con.execute(f"set memory_limit = '{_checked_size(limit)}'")
    con.execute("set threads = 1")
    try:
        yield
    finally:
        con.execute("reset memory_limit")
        con.execute("reset threads")


def _checked_size(text: str) -> str:
    """A size like 256MB or 1.5 GiB, safe to put in a SET statement."""
    if not re.fullmatch(r"\d+(\.\d+)?\s*[KMGT]i?B", text.strip(), flags=re.IGNORECASE):
        raise ValueError(f"{MEMORY_LIMIT_VARIABLE}: {text!r} is not a size such as 256MB")
    return text.strip()


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Bring a database of an earlier version up to date (sql/migrations), then create every
    table of sql/schema and every view of sql/views (idempotent)."""
    for (name,) in con.execute(read_sql("load/meta/pending_migrations.sql")).fetchall():
        _run(con, SQL_ROOT / "migrations" / f"{name}.sql")
    for path in [path for folder in SCHEMA_FOLDERS for path in sql_files(folder)]:
        _run(con, path)


def _run(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    try:
        con.execute(path.read_text(encoding="utf-8"))
    except duckdb.Error as error:
        raise RuntimeError(f"{path}: {error}") from error
