"""Runs on a DuckLake whose catalog is a real PostgreSQL server: the same tables and statuses
as the file, and a killed run that changes nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.flows.test_temporary_server import processes_in_group, run_environment
from tests.lake_runs import ROOT, cli, lake_arguments, lake_rows, new_lake, offline_run, snapshot_id
from tests.postgres_server import PostgresServer, postgres_server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    with postgres_server() as server:
        yield server


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

    for kommun in ("2425",):
        from_lake = cli(tmp_path, "status", "--kommun", kommun, *lake_arguments(lake))
        from_file = cli(tmp_path, "status", "--kommun", kommun, "--database", str(database))
        assert from_lake.returncode == from_file.returncode == 0, from_lake.stderr
        assert from_lake.stdout == from_file.stdout
        assert "Dorotea" in from_lake.stdout
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
    for marker in (b"requests planned",):
        process = subprocess.Popen(
            [sys.executable, "-m", "kolada_goals.cli",
             *offline_run(tmp_path, *lake_arguments(lake), "--full", years="2020-2022")],
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
    after = cli(tmp_path, *offline_run(tmp_path, *lake_arguments(lake), years="2020-2022"))
    assert after.returncode == 0, after.stdout + after.stderr
    assert snapshot_id(lake) > published
