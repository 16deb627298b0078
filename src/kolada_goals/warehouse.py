"""The DuckDB database: connecting and creating tables and views from sql/."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from kolada_goals.lake import declared_keys, is_lake, lake_ddl
from kolada_goals.sql_files import SQL_ROOT, parameters_used, read_sql, sql_files, sql_statements
from kolada_goals.transactions import transaction

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
    row = con.execute(read_sql("load/meta/loading_settings.sql")).fetchone()
    before_limit = str(row[0]) if row else ""
    on_lake = is_lake(con)
    con.execute(f"set memory_limit = '{_checked_size(limit)}'")
    con.execute("set threads = 1")
    try:
        yield
    finally:
        if on_lake:
            # With a DuckLake attached, RESET shows the default again but leaves the buffer
            # pool at the loading limit (a status build then runs out of memory): set the
            # limit it had (as DuckDB shows it, to a tenth of a unit).
            con.execute(f"set memory_limit = '{_checked_size(before_limit)}'")
        else:
            con.execute("reset memory_limit")
        con.execute("reset threads")


def _checked_size(text: str) -> str:
    """A size like 256MB or 1.5 GiB, safe to put in a SET statement."""
    if not re.fullmatch(r"\d+(\.\d+)?\s*[KMGT]i?B", text.strip(), flags=re.IGNORECASE):
        raise ValueError(f"{MEMORY_LIMIT_VARIABLE}: {text!r} is not a size such as 256MB")
    return text.strip()


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Bring a database of an earlier version up to date (sql/migrations), then create every
    table of sql/schema and every view of sql/views (idempotent). On a lake in one
    transaction, and only when the DDL changed since it was last applied there."""
    if not is_lake(con):
        _apply_ddl(con)
        return
    fingerprint = schema_fingerprint()
    if _applied_fingerprint(con) == fingerprint:
        return
    try:
        with transaction(con):
            _apply_ddl(con)
            for statement in sql_statements("load/meta/record_schema_fingerprint.sql"):
                con.execute(statement, parameters_used(statement, {"fingerprint": fingerprint}))
    except duckdb.TransactionException:
        # Another writer brought the lake to this DDL at the same moment: nothing left to do.
        if _applied_fingerprint(con) != fingerprint:
            raise


def _applied_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    try:
        row = con.execute(read_sql("load/meta/schema_fingerprint.sql")).fetchone()
    except duckdb.CatalogException:  # a new lake
        return None
    return str(row[0]) if row else None


def _apply_ddl(con: duckdb.DuckDBPyConnection) -> None:
    for (name,) in con.execute(read_sql("load/meta/pending_migrations.sql")).fetchall():
        run_sql_file(con, SQL_ROOT / "migrations" / f"{name}.sql")
    for path in _schema_files():
        run_sql_file(con, path)


def _schema_files() -> list[Path]:
    return [path for folder in SCHEMA_FOLDERS for path in sql_files(folder)]


def declared_table_keys() -> dict[str, tuple[str, ...]]:
    """The primary key of every table whose DDL declares one: DuckDB enforces it in the file,
    and on a lake (which has no keys) the data tests made from it carry the grain."""
    keys = (declared_keys(path.read_text(encoding="utf-8")) for path in _schema_files())
    return dict(key for key in keys if key is not None)


def schema_fingerprint() -> str:
    """sha256 of the DDL and migrations, in order."""
    digest = hashlib.sha256()
    for path in [*_schema_files(), *sql_files("migrations")]:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def run_sql_file(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Run a file of DDL (or a model): on a DuckLake as DuckLake takes it (lake.lake_ddl)."""
    text = path.read_text(encoding="utf-8")
    try:
        con.execute(lake_ddl(text) if is_lake(con) else text)
    except duckdb.Error as error:
        raise RuntimeError(f"{path}: {error}") from error
