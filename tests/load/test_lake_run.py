"""Runs on a DuckLake whose catalog is a real PostgreSQL server: the same tables as the file,
readers that only ever see published snapshots, a killed run that changes nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kolada_goals.lake import LakeSettings, connect_lake
from tests.flows.test_temporary_server import processes_in_group, run_environment
from tests.postgres_server import PostgresServer, postgres_server

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
GOALS = ROOT / "data" / "goals"


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    with postgres_server() as server:
        yield server


def new_lake(postgres: PostgresServer, tmp_path: Path, name: str) -> LakeSettings:
    return LakeSettings(postgres.new_database(name), str(tmp_path / f"{name}-data"))


def lake_arguments(lake: LakeSettings) -> list[str]:
    return ["--lake", lake.catalog, "--lake-data", str(lake.data_path)]


def cli(tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kolada_goals.cli", *arguments],
        capture_output=True, text=True, env=run_environment(tmp_path), check=False, cwd=ROOT,
    )  # fmt: skip


def offline_run(tmp_path: Path, *arguments: str, years: str = "2020-2022") -> list[str]:
    return ["run", "--offline", "--years", years, "--goals", str(GOALS), *arguments]


def lake_rows(lake: LakeSettings, sql: str) -> list[tuple[Any, ...]]:
    with connect_lake(lake, read_only=True) as con:
        return con.execute(sql).fetchall()


def snapshot_id(lake: LakeSettings) -> int:
    [(snapshot,)] = lake_rows(lake, "select max(snapshot_id) from ducklake_snapshots('lake')")
    return int(snapshot)


def test_a_run_on_the_lake_publishes_what_a_run_on_the_file_publishes(
    postgres: PostgresServer, tmp_path: Path
) -> None:
    lake = new_lake(postgres, tmp_path, "same_as_file")
    on_lake = cli(tmp_path, *offline_run(tmp_path, *lake_arguments(lake)))
    assert on_lake.returncode == 0, on_lake.stdout + on_lake.stderr
    database = tmp_path / "k.duckdb"
    files = ["--database", str(database), "--work-database", str(tmp_path / "work" / "k.duckdb")]
    on_file = cli(tmp_path, *offline_run(tmp_path, *files))
    assert on_file.returncode == 0, on_file.stdout + on_file.stderr

    for kommun in ("2425", "0331"):
        from_lake = cli(tmp_path, "status", "--kommun", kommun, *lake_arguments(lake))
        from_file = cli(tmp_path, "status", "--kommun", kommun, "--database", str(database))
        assert from_lake.returncode == from_file.returncode == 0, from_lake.stderr
        assert from_lake.stdout == from_file.stdout
        assert "Dorotea" in from_lake.stdout or "Heby" in from_lake.stdout
    # every table of the file is in the lake; the published run is a named snapshot
    [(run_id,)] = lake_rows(lake, "select run_id from meta_run where status = 'succeeded'")
    named = lake_rows(
        lake, "select commit_message from ducklake_snapshots('lake') where commit_message <> ''"
    )
    assert named == [(run_id,)]


def test_a_run_killed_at_any_moment_leaves_the_lake_at_its_last_snapshot(
    postgres: PostgresServer, tmp_path: Path
) -> None:
    lake = new_lake(postgres, tmp_path, "killed")
    first = cli(tmp_path, *offline_run(tmp_path, *lake_arguments(lake)))
    assert first.returncode == 0, first.stdout + first.stderr
    published = snapshot_id(lake)
    counts_before = lake_rows(lake, "select count(*) from hist_kpi_value")
    for marker in (b"requests planned", b"data-tests"):
        process = subprocess.Popen(
            [sys.executable, "-m", "kolada_goals.cli",
             *offline_run(tmp_path, *lake_arguments(lake), "--full", years="2018-2022")],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True, env=run_environment(tmp_path), cwd=ROOT,
        )  # fmt: skip
        assert process.stdout is not None
        deadline = time.monotonic() + 120
        for line in process.stdout:
            if marker in line or time.monotonic() > deadline:
                break
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        deadline = time.monotonic() + 15
        while processes_in_group(process.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert processes_in_group(process.pid) == []
        assert snapshot_id(lake) == published, f"killed at {marker!r}: the lake moved"
        assert lake_rows(lake, "select count(*) from hist_kpi_value") == counts_before
    assert lake_rows(lake, "select status from meta_run") == [("succeeded",)]
    after = cli(tmp_path, *offline_run(tmp_path, *lake_arguments(lake), years="2018-2022"))
    assert after.returncode == 0, after.stdout + after.stderr
    assert snapshot_id(lake) > published


READER = """
import json, sys, time
from kolada_goals.lake import LakeSettings, connect_lake
lake = LakeSettings(sys.argv[1], sys.argv[2])
stop_file, out = sys.argv[3], sys.argv[4]
con = connect_lake(lake, read_only=True)
seen = []
import json
import os
while not os.path.exists(stop_file):
    con.begin()
    indicators = con.execute(
        "select count(*), sum(hash(kommun_id, indicator_id, mode, period, status)) "
        "from mart_indicator_status").fetchone()
    goals = con.execute("select count(*), sum(hash(kommun_id, goal_id, status)) "
                        "from mart_goal_status").fetchone()
    con.commit()
    seen.append([*indicators, *goals])
    time.sleep(0.1)  # eight readers share two cores with the run
json.dump(seen, open(out, "w"))
"""

STATE = (
    "select (select count(*) from mart_indicator_status), "
    "(select sum(hash(kommun_id, indicator_id, mode, period, status)) from mart_indicator_status), "
    "(select count(*) from mart_goal_status), "
    "(select sum(hash(kommun_id, goal_id, status)) from mart_goal_status)"
)


def test_eight_readers_see_only_published_snapshots_while_a_run_commits(
    postgres: PostgresServer, tmp_path: Path
) -> None:
    lake = new_lake(postgres, tmp_path, "readers")
    first = cli(tmp_path, *offline_run(tmp_path, *lake_arguments(lake), years="2021-2022"))
    assert first.returncode == 0, first.stdout + first.stderr
    [before] = lake_rows(lake, STATE)
    stop = tmp_path / "stop"
    readers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                READER,
                lake.catalog,
                str(lake.data_path),
                str(stop),
                str(tmp_path / f"reader-{n}.json"),
            ],
            stderr=subprocess.PIPE,
            text=True,
            env=run_environment(tmp_path),
            cwd=ROOT,
        )
        for n in range(8)
    ]
    try:
        second = cli(tmp_path, *offline_run(tmp_path, *lake_arguments(lake), years="2020-2022"))
        assert second.returncode == 0, second.stdout + second.stderr
        time.sleep(2)  # every reader reads the new snapshot too
    finally:
        stop.touch()
        errors = [reader.communicate(timeout=120)[1] for reader in readers]
    [after] = lake_rows(lake, STATE)
    assert before != after
    assert [reader.returncode for reader in readers] == [0] * 8, errors
    seen = [tuple(read) for n in range(8) for read in json.loads(
        (tmp_path / f"reader-{n}.json").read_text())]  # fmt: skip
    assert seen and set(seen) <= {tuple(before), tuple(after)}, set(seen) - {before, after}
    assert tuple(before) in set(seen) and tuple(after) in set(seen)


def test_two_runs_at_once_both_finish_and_no_row_is_lost_or_doubled(
    postgres: PostgresServer, tmp_path: Path
) -> None:
    lake = new_lake(postgres, tmp_path, "two_writers")
    for n in range(2):  # each run reports to a Prefect server of its own
        (tmp_path / f"run-{n}").mkdir()
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kolada_goals.cli",
                *offline_run(tmp_path, *lake_arguments(lake), years="2021-2022"),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=run_environment(tmp_path / f"run-{n}"),
            cwd=ROOT,
        )
        for n in range(2)
    ]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    statuses = lake_rows(lake, "select status, count(*) from meta_run group by all order by 1")
    succeeded = dict(statuses).get("succeeded")
    assert succeeded == 2, statuses
    # a run that lost the commit race says so, and ran again
    lost = [output for output in outputs if "another writer committed" in output]
    print(f"runs that lost the commit race and ran again: {len(lost)}")
    assert all("running again" in output for output in lost)
    with connect_lake(lake, read_only=True) as con:
        from kolada_goals.status.data_tests import run_data_tests

        assert run_data_tests(con) == []
        open_rows = con.execute(
            "select count(*), count(distinct (kpi_id, municipality_id, period, gender)) "
            "from hist_kpi_value where valid_to is null"
        ).fetchone()
    assert open_rows is not None and open_rows[0] == open_rows[1] > 0
