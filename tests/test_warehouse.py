"""The memory cap while values load: set for the load, restored after, refused when malformed."""

from pathlib import Path

import pytest

from kolada_goals.warehouse import MEMORY_LIMIT_VARIABLE, connect, loading_memory_limit


def limit(con: object) -> str:
    return con.execute("select current_setting('memory_limit')").fetchone()[0]  # type: ignore[attr-defined, no-any-return]


def test_the_limit_holds_during_the_load_and_is_restored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    con = connect(tmp_path / "x.duckdb")
    before = limit(con)
    monkeypatch.setenv(MEMORY_LIMIT_VARIABLE, "300MB")
    with loading_memory_limit(con):
        assert limit(con) == "286.1 MiB"  # 300 MB as DuckDB shows it
    assert limit(con) == before


def test_a_malformed_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    con = connect(tmp_path / "x.duckdb")
    monkeypatch.setenv(MEMORY_LIMIT_VARIABLE, "lots'; drop table x; --")
    with pytest.raises(ValueError, match=MEMORY_LIMIT_VARIABLE), loading_memory_limit(con):
        pass
