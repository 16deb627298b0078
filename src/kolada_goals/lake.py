"""DuckLake beside the embedded file: its extensions loaded from their Python packages, the
lake attached, and the project's DDL made into what DuckLake accepts."""

from __future__ import annotations

import importlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from kolada_goals.errors import KoladaGoalsError

LAKE = "lake"  # the name the lake is attached under, and the run's default catalog
LAKE_VARIABLE = "KOLADA_GOALS_LAKE"
LAKE_DATA_VARIABLE = "KOLADA_GOALS_LAKE_DATA"
# DuckDB cannot download extensions on a closed network: each comes as a Python package of
# DuckDB's own version (extensions/v<version>/<name>.duckdb_extension inside it).
EXTENSION_PACKAGES = {
    "ducklake": "duckdb-extension-ducklake",
    "postgres_scanner": "duckdb-extension-postgres-scanner",
}


class LakeError(KoladaGoalsError):
    """The lake cannot be used as configured."""


@dataclass(frozen=True)
class LakeSettings:
    """A DuckLake: its catalog (e.g. `postgres:dbname=kolada host=127.0.0.1 user=kolada`)
    and where its data files go (a folder or an s3:// URL; None: the catalog's own)."""

    catalog: str
    data_path: str | None = None

    @classmethod
    def chosen(cls, catalog: str | None, data_path: str | None) -> LakeSettings | None:
        """The lake given on the command line, else in KOLADA_GOALS_LAKE(_DATA); None: the
        embedded DuckDB file."""
        catalog = catalog or os.environ.get(LAKE_VARIABLE) or None
        data_path = data_path or os.environ.get(LAKE_DATA_VARIABLE) or None
        if catalog is None:
            if data_path is not None:
                raise LakeError(
                    f"--lake-data ({LAKE_DATA_VARIABLE}) needs --lake ({LAKE_VARIABLE})"
                )
            return None
        if data_path is not None and "://" not in data_path:
            data_path = str(Path(data_path).resolve())
        return cls(catalog, data_path)

    def describe(self) -> str:
        return f"DuckLake {self.catalog}" + (f" (data {self.data_path})" if self.data_path else "")


def extension_path(name: str) -> Path:
    """The extension file of `name` in its Python package, for this DuckDB's version."""
    package = EXTENSION_PACKAGES[name]
    try:
        module = importlib.import_module(package.replace("-", "_"))
    except ModuleNotFoundError:
        raise LakeError(
            f"the DuckDB extension {name} is not installed: pip install "
            f"{package}=={duckdb.__version__} (its version must equal duckdb's)"
        ) from None
    path = Path(str(module.__file__)).parent / "extensions" / f"v{duckdb.__version__}"
    path = path / f"{name}.duckdb_extension"
    if not path.is_file():
        raise LakeError(
            f"{package} has no {name} extension for duckdb {duckdb.__version__} (looked for "
            f"{path}): install {package}=={duckdb.__version__}"
        )
    return path


def load_extension(con: duckdb.DuckDBPyConnection, name: str) -> None:
    con.execute(f"load {_literal(str(extension_path(name)))}")


def _literal(text: str) -> str:
    """`text` as a SQL string literal, for the statements that take no parameters (LOAD,
    ATTACH): refused when it holds a quote or a control character rather than escaped."""
    if "'" in text or re.search(r"[\x00-\x1f]", text):
        raise LakeError(f"{text!r}: quotes and control characters are not accepted here")
    return f"'{text}'"


def attach_lake(
    con: duckdb.DuckDBPyConnection, lake: LakeSettings, read_only: bool = False
) -> None:
    """Attach `lake` as `lake` and make it the connection's default catalog."""
    load_extension(con, "ducklake")
    if lake.catalog.startswith("postgres:"):
        load_extension(con, "postgres_scanner")
    options = [f"data_path {_literal(lake.data_path)}"] if lake.data_path else []
    if read_only:
        options.append("read_only")
    clause = f" ({', '.join(options)})" if options else ""
    try:
        con.execute(f"attach {_literal('ducklake:' + lake.catalog)} as {LAKE}{clause}")
    except duckdb.Error as error:
        raise LakeError(f"{lake.describe()} could not be attached: {error}") from None
    con.execute(f"use {LAKE}")


def connect_lake(lake: LakeSettings, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB whose default catalog is the lake."""
    con = duckdb.connect()
    attach_lake(con, lake, read_only)
    return con


def is_lake(con: duckdb.DuckDBPyConnection) -> bool:
    """The connection's default catalog is a DuckLake."""
    row = con.execute(
        "select type from duckdb_databases() where database_name = current_database()"
    ).fetchone()
    return row is not None and row[0] == "ducklake"


_COLUMN_KEY = re.compile(r"\s+primary key(?=\s*(,|\n))", re.IGNORECASE)
# The comma before a table's key, a comment after that comma kept (group 1); group 2: columns.
_TABLE_KEY = re.compile(r",([ \t]*--[^\n]*)?\s*\n\s*primary key\s*\(([^)]*)\)", re.IGNORECASE)


_ENUM_CAST = re.compile(r"::enum\([^)]*\)", re.IGNORECASE)


def lake_ddl(ddl: str) -> str:
    """The project's SQL as DuckLake takes it: without primary keys (DuckLake has no
    constraints but NOT NULL; the data tests carry the grain there, see declared_keys),
    enums as text, and without the comments DuckLake cannot keep (on a view's columns, on a
    macro)."""
    is_view = re.search(r"create\s+(or\s+replace\s+)?view", ddl, re.IGNORECASE) is not None
    kept = [
        statement
        for statement in ddl.split(";\n")
        if not _comment_lake_refuses(_without_leading_comments(statement), is_view)
    ]
    text = _ENUM_CAST.sub("::varchar", ";\n".join(kept))
    return _TABLE_KEY.sub(lambda key: key.group(1) or "", _COLUMN_KEY.sub(" not null", text))


def _without_leading_comments(statement: str) -> str:
    lines = statement.strip().splitlines()
    while lines and lines[0].lstrip().startswith("--"):
        lines.pop(0)
    return "\n".join(lines).lower()


def _comment_lake_refuses(statement: str, is_view: bool) -> bool:
    return statement.startswith("comment on macro") or (
        is_view and statement.startswith("comment on column")
    )


def declared_keys(ddl: str) -> tuple[str, tuple[str, ...]] | None:
    """(table, key columns) of a CREATE TABLE with a primary key; None without one."""
    table = re.search(r"create table if not exists (\w+)", ddl, re.IGNORECASE)
    if table is None:
        return None
    if found := _TABLE_KEY.search(ddl):
        return table.group(1), tuple(column.strip() for column in found.group(2).split(","))
    if found := re.search(r"^\s*(\w+)\s+\w+\s+primary key", ddl, re.IGNORECASE | re.MULTILINE):
        return table.group(1), (found.group(1),)
    return None
