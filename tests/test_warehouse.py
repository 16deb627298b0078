"""Settings while values load (memory cap, one thread): set for the load, restored after; a
malformed memory cap is refused."""

from pathlib import Path

import pytest

from kolada_goals.warehouse import MEMORY_LIMIT_VARIABLE, connect, loading_settings


def limit(con: object) -> str:
    return con.execute("select current_setting('memory_limit')").fetchone()[0]  # type: ignore[attr-defined, no-any-return]


def threads(con: object) -> int:
    return int(con.execute("select current_setting('threads')").fetchone()[0])  # type: ignore[attr-defined]


def test_the_settings_hold_during_the_load_and_are_restored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    con = connect(tmp_path / "x.duckdb")
    before_limit, before_threads = limit(con), threads(con)
    monkeypatch.setenv(MEMORY_LIMIT_VARIABLE, "300MB")
    with loading_settings(con):
        assert limit(con) == "286.1 MiB"  # 300 MB as DuckDB shows it
        assert threads(con) == 1
    assert (limit(con), threads(con)) == (before_limit, before_threads)


def test_a_malformed_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    con = connect(tmp_path / "x.duckdb")
    monkeypatch.setenv(MEMORY_LIMIT_VARIABLE, "lots'; drop table x; --")
    with pytest.raises(ValueError, match=MEMORY_LIMIT_VARIABLE), loading_settings(con):
        pass
