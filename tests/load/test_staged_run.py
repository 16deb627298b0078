"""The run's staging copy and lock: a run writes a copy, swapped in only when it passed; a
failed one is recorded in the work database and kept aside; one run at a time."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from kolada_goals.extract.client import ClientStats
from kolada_goals.load import pipeline
from kolada_goals.load.staged_run import (
    RunFiles,
    RunInProgressError,
    WorkDatabaseInUseError,
    run_lock,
    staged_run,
    wal_path,
)
from kolada_goals.warehouse import apply_schema

HOLD_LOCK = """
import sys, time
from pathlib import Path
from kolada_goals.load.staged_run import run_lock
with run_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(600)
"""

KILLED_RUN = """
import os, signal, sys
from pathlib import Path
from kolada_goals.load import pipeline
from kolada_goals.load.staged_run import staged_run
with staged_run(Path(sys.argv[1])) as run:
    pipeline.start_run(run.work, "run-2", "http://kolada.test/v3")
    con = run.stage()
    con.execute("create table u as select range as i from range(100000)")
    con.execute("update t set value = 2")
    os.kill(os.getpid(), signal.SIGKILL)
"""

OPEN_A_RUN = """
import sys
from pathlib import Path
from kolada_goals.load.staged_run import staged_run
with staged_run(Path(sys.argv[1])):
    pass
"""

TRY_WRITER = """
import sys, duckdb
try:
    duckdb.connect(sys.argv[1]).close()
    print("opened")
except duckdb.IOException:
    print("locked out")
"""


def rows(path: Path, query: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(query).fetchall()


def good_run(work: Path, run_id: str, value: int) -> None:
    """A run that passes: table t holds `value`."""
    with staged_run(work) as run:
        apply_schema(run.work)
        pipeline.start_run(run.work, run_id, "http://kolada.test/v3")
        con = run.stage()
        con.execute("create or replace table t as select $value as value", {"value": value})
        run.passed(pipeline.finish_run(con, run_id, "full", ClientStats()))
        run.publish(work.parent / "published.duckdb")


def test_a_second_run_is_refused_at_once_naming_the_holder(tmp_path: Path) -> None:
    work = tmp_path / "work" / "k.duckdb"
    with run_lock(work), pytest.raises(RunInProgressError) as refused, run_lock(work):
        pass
    assert str(refused.value).startswith(f"another run holds {work} (pid {os.getpid()})")
    with run_lock(work):  # released
        pass


def test_the_lock_of_a_killed_run_is_released(tmp_path: Path) -> None:
    work = tmp_path / "k.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(work)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    with pytest.raises(RunInProgressError, match=rf"\(pid {holder.pid}\)"), run_lock(work):
        pass
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=30)
    with run_lock(work):
        pass


def test_a_passing_run_is_swapped_in_and_published(tmp_path: Path) -> None:
    work = tmp_path / "k.duckdb"  # no work database yet: the first run
    good_run(work, "run-1", 1)
    good_run(work, "run-2", 2)
    assert rows(work, "select value from t") == [(2,)]
    assert rows(tmp_path / "published.duckdb", "select value from t") == [(2,)]
    assert rows(work, "select run_id, status from meta_run order by run_id") == [
        ("run-1", "succeeded"),
        ("run-2", "succeeded"),
    ]
    assert not RunFiles(work).staging.exists()


def test_a_failed_run_leaves_the_work_database_and_is_recorded_there(tmp_path: Path) -> None:
    work = tmp_path / "k.duckdb"
    good_run(work, "run-1", 1)
    with staged_run(work) as run:
        pipeline.start_run(run.work, "run-2", "http://kolada.test/v3")
        con = run.stage()
        con.execute("update t set value = 99")
        con.execute(
            "insert into meta_failed_request (run_id, path, error, failed_at) "
            "values ('run-2', '/v3/x', 'boom', now())"
        )
        run.fail("run-2", "full", ClientStats(requests=7), RuntimeError("data test failed"))
    assert rows(work, "select value from t") == [(1,)]
    status, error, requests = rows(
        work, "select status, error, requests from meta_run where run_id = 'run-2'"
    )[0]
    assert (status, error, requests) == ("failed", "RuntimeError: data test failed", 7)
    assert rows(work, "select run_id, path, error from meta_failed_request") == [
        ("run-2", "/v3/x", "boom")
    ]
    files = RunFiles(work)
    assert not files.staging.exists()
    assert rows(files.failed, "select value from t") == [(99,)]
    assert rows(files.failed, "select status from meta_run where run_id = 'run-2'") == [("failed",)]
    assert rows(tmp_path / "published.duckdb", "select value from t") == [(1,)]
    good_run(work, "run-3", 3)
    assert rows(work, "select value from t") == [(3,)]


def test_a_failed_publish_leaves_the_manifest_failed(tmp_path: Path) -> None:
    work = tmp_path / "k.duckdb"
    good_run(work, "run-1", 1)
    blocked = tmp_path / "published-is-a-folder"
    (blocked / "inside").mkdir(parents=True)
    with staged_run(work) as run:
        pipeline.start_run(run.work, "run-2", "http://kolada.test/v3")
        con = run.stage()
        con.execute("update t set value = 2")
        run.passed(pipeline.finish_run(con, "run-2", "full", ClientStats()))
        with pytest.raises(OSError) as failed:
            run.publish(blocked)
        run.fail("run-2", "full", ClientStats(), failed.value)
    status, error = rows(work, "select status, error from meta_run where run_id = 'run-2'")[0]
    assert status == "failed" and type(failed.value).__name__ in str(error)
    assert rows(work, "select value from t") == [(1,)]


def test_a_killed_runs_staging_copy_is_removed_and_its_row_abandoned(tmp_path: Path) -> None:
    work = tmp_path / "k.duckdb"
    good_run(work, "run-1", 1)
    killed = subprocess.run([sys.executable, "-c", KILLED_RUN, str(work)], check=False)
    assert killed.returncode == -signal.SIGKILL
    files = RunFiles(work)
    assert files.staging.exists() and wal_path(files.staging).exists()
    good_run(work, "run-3", 3)  # the killed run's write-ahead log must not reach this copy
    assert rows(work, "select value from t") == [(3,)]
    assert rows(work, "select run_id, status from meta_run order by run_id") == [
        ("run-1", "succeeded"),
        ("run-2", "abandoned"),
        ("run-3", "succeeded"),
    ]
    assert not files.staging.exists()


def test_no_other_writer_opens_the_work_database_while_a_run_writes_its_copy(
    tmp_path: Path,
) -> None:
    work = tmp_path / "k.duckdb"
    good_run(work, "run-1", 1)
    probe = [sys.executable, "-c", TRY_WRITER, str(work)]
    with staged_run(work) as run:
        run.stage()  # copying the file must not drop DuckDB's lock on it
        assert subprocess.run(probe, capture_output=True, text=True).stdout == "locked out\n"
    assert subprocess.run(probe, capture_output=True, text=True).stdout == "opened\n"


def test_a_work_database_held_by_another_process_is_named(tmp_path: Path) -> None:
    work = tmp_path / "k.duckdb"
    good_run(work, "run-1", 1)
    holder = duckdb.connect(str(work))
    # DuckDB shares one database per process: the holder is another process.
    script = "import sys; from pathlib import Path\n"
    script += "from kolada_goals.load.staged_run import staged_run\n"
    script += "with staged_run(Path(sys.argv[1])): pass"
    failed = subprocess.run(
        [sys.executable, "-c", script, str(work)], capture_output=True, text=True
    )
    holder.close()
    assert WorkDatabaseInUseError.__name__ in failed.stderr
    assert f"{work} is open for writing in another process" in failed.stderr
