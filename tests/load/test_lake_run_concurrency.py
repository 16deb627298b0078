"""A DuckLake on a real PostgreSQL server shared at once: readers that only ever see
published snapshots while a run commits, and two writers that both finish."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kolada_goals.lake import connect_lake
from kolada_goals.status.data_tests import run_data_tests
from tests.flows.test_temporary_server import run_environment
from tests.lake_runs import ROOT, cli, lake_arguments, lake_rows, new_lake, offline_run
from tests.postgres_server import PostgresServer, postgres_server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    with postgres_server() as server:
        yield server


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
        assert run_data_tests(con) == []
        open_rows = con.execute(
            "select count(*), count(distinct (kpi_id, municipality_id, period, gender)) "
            "from hist_kpi_value where valid_to is null"
        ).fetchone()
    assert open_rows is not None and open_rows[0] == open_rows[1] > 0
