"""The lake's set-up: extensions from their packages, the DDL DuckLake takes, the settings."""

import re
from pathlib import Path

import duckdb
import pytest

from kolada_goals import lake
from kolada_goals.lake import LakeError, LakeSettings, declared_keys, lake_ddl
from kolada_goals.sql_files import SQL_ROOT
from kolada_goals.warehouse import apply_schema, declared_table_keys


def test_the_extensions_load_from_their_python_packages() -> None:
    con = duckdb.connect()
    for name in lake.EXTENSION_PACKAGES:
        path = lake.extension_path(name)
        assert f"v{duckdb.__version__}" in str(path)
        lake.load_extension(con, name)
    loaded = con.execute(
        "select extension_name from duckdb_extensions() where loaded order by 1"
    ).fetchall()
    assert {("ducklake",), ("postgres_scanner",)} <= set(loaded)


def test_a_missing_extension_package_is_named_with_its_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def missing(name: str) -> object:
        raise ModuleNotFoundError(name)

    monkeypatch.setattr(lake.importlib, "import_module", missing)
    with pytest.raises(
        LakeError, match=f"pip install duckdb-extension-ducklake=={duckdb.__version__}"
    ):
        lake.extension_path("ducklake")


def test_every_ddl_file_loses_its_keys_and_enums_and_keeps_the_rest() -> None:
    for path in sorted([*SQL_ROOT.glob("*/schema/*.sql"), *SQL_ROOT.glob("status/marts/*.sql")]):
        text = path.read_text(encoding="utf-8")
        made = lake_ddl(text)
        assert not re.search(r"^\s*\w+ \w+ primary key|^\s*primary key", made, re.M), path
        assert "::enum(" not in made.lower(), path
        if "create table" in text and "primary key" not in text.lower():
            assert made == text, path
    assert lake_ddl(
        "create table if not exists t (\n    a varchar primary key,\n    b int\n);"
    ) == ("create table if not exists t (\n    a varchar not null,\n    b int\n);")


def test_the_declared_keys_are_the_primary_keys_of_the_ddl() -> None:
    keys = declared_table_keys()
    assert keys["meta_run"] == ("run_id",)
    assert keys["goal_indicator_target"] == ("kommun_id", "indicator_id", "period")
    assert "hist_kpi_value" not in keys  # its grain is a data test of its own
    assert declared_keys("create table if not exists t (a int, b int);") is None


def test_the_whole_schema_applies_to_a_lake_once(tmp_path: Path) -> None:
    # a DuckLake whose catalog is a DuckDB file: no server needed for the DDL
    con = lake.connect_lake(LakeSettings(str(tmp_path / "catalog.ducklake"), str(tmp_path / "d")))
    apply_schema(con)
    snapshots = con.execute("select count(*) from ducklake_snapshots('lake')").fetchone()
    apply_schema(con)  # unchanged DDL: nothing applied, no snapshot
    assert con.execute("select count(*) from ducklake_snapshots('lake')").fetchone() == snapshots
    tables = {row[0] for row in con.execute("select table_name from duckdb_tables()").fetchall()}
    assert {"raw_page", "hist_kpi_value", "meta_run", "goal_indicator"} <= tables


def test_the_lake_comes_from_the_options_or_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(lake.LAKE_VARIABLE, raising=False)
    monkeypatch.delenv(lake.LAKE_DATA_VARIABLE, raising=False)
    assert LakeSettings.chosen(None, None) is None
    monkeypatch.setenv(lake.LAKE_VARIABLE, "postgres:dbname=kolada")
    monkeypatch.setenv(lake.LAKE_DATA_VARIABLE, "s3://bucket/kolada/")
    assert LakeSettings.chosen(None, None) == LakeSettings(
        "postgres:dbname=kolada", "s3://bucket/kolada/"
    )
    assert LakeSettings.chosen("x.ducklake", str(tmp_path)) == LakeSettings(
        "x.ducklake", str(tmp_path)
    )
    monkeypatch.delenv(lake.LAKE_VARIABLE)
    with pytest.raises(LakeError, match="needs --lake"):
        LakeSettings.chosen(None, None)


def test_a_catalog_string_with_a_quote_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LakeError, match="quotes and control characters"):
        lake.connect_lake(LakeSettings("x.ducklake' as y; --", str(tmp_path)))
