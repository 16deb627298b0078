"""Snapshots: the published report rows frozen under a label in the work database, whatever
the databases' file names and the label say."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from kolada_goals.outputs.snapshot import SnapshotError, take_snapshot
from kolada_goals.sql_files import read_sql
from tests.helpers import HOSTILE_KPI_TITLES, hostile_published_database

LABEL = "Delår'; drop table snap_goal_status; --"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hostile_published_database(tmp_path_factory.mktemp("hostile"))


def databases(built: Path, folder: Path, name: str) -> tuple[Path, Path]:
    """(work, published): copies of `built` named `name`."""
    work = folder / "work" / name
    work.parent.mkdir()
    published = folder / name
    shutil.copy(built, work)
    shutil.copy(built, published)
    return work, published


def report_counts(path: Path) -> tuple[int, int]:
    with duckdb.connect(str(path), read_only=True) as con:
        indicators = con.execute("select count(*) from mart_indicator_report").fetchone()
        goals = con.execute("select count(*) from mart_goal_status").fetchone()
    assert indicators is not None and goals is not None
    return int(indicators[0]), int(goals[0])


@pytest.mark.parametrize(
    "name", ["Delårsrapport's.duckdb", "x'; drop table goal; --.duckdb"]
)  # fmt: skip
def test_a_database_path_is_never_read_as_sql(built: Path, tmp_path: Path, name: str) -> None:
    work, published = databases(built, tmp_path, name)
    result = take_snapshot(work, published, LABEL)
    expected = report_counts(published)
    assert expected[0] > 0 and expected[1] > 0
    assert (result.label, result.indicator_rows, result.goal_rows) == (LABEL, *expected)
    assert not result.published  # no run has succeeded in this database
    with duckdb.connect(str(work), read_only=True) as con:
        frozen = con.execute(
            "select count(*) from snap_indicator_status where snapshot_label = ?", [LABEL]
        ).fetchone()
        goals = con.execute("select count(*) from goal").fetchone()
        titles = {
            row[0]
            for row in con.execute("select indicator_title from snap_indicator_status").fetchall()
        }
    assert frozen == (expected[0],)
    assert goals is not None and goals[0] > 0
    assert set(HOSTILE_KPI_TITLES.values()) <= titles
    # A path split into statements would have attached (and made) a database called "x".
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([name, "work"])
    assert report_counts(published) == expected


def test_a_label_is_taken_again_only_with_replace(built: Path, tmp_path: Path) -> None:
    work, published = databases(built, tmp_path, "kolada_goals.duckdb")
    first = take_snapshot(work, published, LABEL)
    with pytest.raises(SnapshotError, match="give --replace"):
        take_snapshot(work, published, LABEL)
    again = take_snapshot(work, published, LABEL, replace=True)
    assert (again.indicator_rows, again.goal_rows) == (first.indicator_rows, first.goal_rows)
    with duckdb.connect(str(work), read_only=True) as con:
        frozen = con.execute("select count(*) from snap_goal_status").fetchone()
    assert frozen == (first.goal_rows,)


def test_after_a_good_run_the_snapshot_is_published(built: Path, tmp_path: Path) -> None:
    work, published = databases(built, tmp_path, "it's published.duckdb")
    with duckdb.connect(str(work)) as con:
        started = {"run_id": "r1", "started_at": datetime.now(UTC), "mode": "full",
                   "base_url": "http://kolada.test/v3"}  # fmt: skip
        con.execute(read_sql("load/meta/start_run.sql"), started)
        con.execute("update meta_run set status = 'succeeded' where run_id = 'r1'")
    result = take_snapshot(work, published, LABEL)
    assert result.published
    with duckdb.connect(str(published), read_only=True) as con:
        frozen = con.execute(
            "select count(*) from snap_indicator_status where snapshot_label = ?", [LABEL]
        ).fetchone()
    assert frozen == (result.indicator_rows,)


def test_a_file_that_is_not_a_kolada_goals_database_is_refused(built: Path, tmp_path: Path) -> None:
    work, _ = databases(built, tmp_path, "kolada_goals.duckdb")
    other = tmp_path / "other's.duckdb"
    duckdb.connect(str(other)).close()
    with pytest.raises(SnapshotError, match="mart_indicator_report"):
        take_snapshot(work, other, LABEL)
