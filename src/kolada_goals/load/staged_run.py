"""A run's writes in a copy of the work database, swapped in only when the run succeeded.

A run copies the work database to a staging file beside it and writes only there. When its
data tests have passed, its manifest is written and the copy is published, the staging file
is renamed over the work database (atomic, as publishing is). A run that fails in any way,
or is killed, leaves the work database as the last good run left it, so the next healthy
run starts from good data instead of repeating the failure.

Why a copy rather than one transaction over the run: the value writer commits every
500,000 values (values.COMMIT_VALUES) to keep memory flat, and a full catalogue is some
100 M values; one transaction would hold them all uncommitted until the end. A copy costs
one file copy per run, whatever the run's size, and leaves the writer as it is.

Files beside the work database `k.duckdb`:

- `k.duckdb.lock`: held (flock) by the run in progress, with its pid; the kernel releases
  it when the run's process dies, however it dies;
- `k.run.duckdb`: the staging copy of the run in progress; one left behind was a killed
  run's, and the next run removes it;
- `k.failed.duckdb`: the staging copy of the last failed run, kept for inspection (one
  only, each failed run replaces it).

The manifest row of a run goes into the work database itself when the run starts, so a
killed run stays 'running' there and the next run marks it 'abandoned'; a failed run's row
(status failed, its error), its failed requests and the pages it refused (raw_page rows with
their body and error) are written there too.
"""

from __future__ import annotations

import fcntl
import logging
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from kolada_goals.errors import KoladaGoalsError
from kolada_goals.extract.client import ClientStats
from kolada_goals.load import pipeline
from kolada_goals.load.ingest import ValueIngestResult
from kolada_goals.load.publish import fsync_directory, publish_database
from kolada_goals.warehouse import connect

log = logging.getLogger(__name__)


class RunInProgressError(KoladaGoalsError):
    """Another run holds the work database."""


class WorkDatabaseInUseError(KoladaGoalsError):
    """Another process (not a run) has the work database open for writing."""


class StagingError(KoladaGoalsError):
    """The staging copy could not be made or swapped in."""


def wal_path(database: Path) -> Path:
    return database.with_name(database.name + ".wal")


@dataclass(frozen=True)
class RunFiles:
    """The files of runs on one work database."""

    work: Path

    @property
    def staging(self) -> Path:
        return self.work.with_name(f"{self.work.stem}.run{self.work.suffix}")

    @property
    def failed(self) -> Path:
        return self.work.with_name(f"{self.work.stem}.failed{self.work.suffix}")

    @property
    def lock(self) -> Path:
        return self.work.with_name(self.work.name + ".lock")


def remove_database(database: Path) -> bool:
    """Delete a DuckDB file and its write-ahead log; returns whether the file was there."""
    existed = database.exists()
    database.unlink(missing_ok=True)
    wal_path(database).unlink(missing_ok=True)
    return existed


def move_database(source: Path, target: Path) -> None:
    """Rename a closed DuckDB file (and its write-ahead log, if any) over `target`."""
    wal_path(target).unlink(missing_ok=True)
    os.replace(source, target)
    if wal_path(source).exists():
        os.replace(wal_path(source), wal_path(target))
    fsync_directory(target.parent)


@contextmanager
def run_lock(work_database: Path) -> Iterator[None]:
    """Hold the run lock of `work_database`, or raise RunInProgressError at once."""
    lock = RunFiles(work_database).lock
    lock.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(descriptor, 32, 0).decode("ascii", errors="replace").strip()
            raise RunInProgressError(
                f"another run holds {work_database} (pid {holder or 'unknown'}); wait for it "
                "to finish, or stop that process if it hangs"
            ) from None
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(descriptor)  # releases the lock


def check_no_run_holds(work_database: Path) -> None:
    """Raise RunInProgressError now if a run holds `work_database`, before anything is
    started for nothing; the run itself takes the lock for good."""
    with run_lock(work_database):
        pass


def copy_keeping_locks(source: Path, target: Path) -> None:
    """Copy `source` to `target` in a child process and flush `target` to disk.

    DuckDB locks its file with a POSIX record lock, which this process would lose the
    moment it closed any descriptor of that file of its own, a copy's included."""
    copied = subprocess.run(
        ["cp", "--", str(source), str(target)], capture_output=True, text=True, check=False
    )
    if copied.returncode != 0:
        raise StagingError(f"copying {source} to {target} failed: {copied.stderr.strip()}")
    descriptor = os.open(target, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class StagedRun:
    """One run on a work database: the work database, held open for the whole run (DuckDB's
    lock keeps other writers such as a snapshot out, whose writes the swap would discard),
    and the staging copy the run writes."""

    def __init__(self, files: RunFiles, work: duckdb.DuckDBPyConnection) -> None:
        self.files = files
        self.work = work
        self.con: duckdb.DuckDBPyConnection | None = None
        self.manifest: pipeline.RunManifest | None = None
        self.swapped = False

    def start(self, run_id: str, base_url: str, mode: str = "full") -> int:
        """Record the run in the work database; returns how many earlier runs were found
        killed and marked abandoned."""
        return pipeline.start_run(self.work, run_id, base_url, mode)

    def stage(self) -> duckdb.DuckDBPyConnection:
        """Copy the work database (checkpointed, so the file holds everything) to the
        staging file and connect to the copy: the run's connection."""
        self.work.execute("checkpoint")
        wal = wal_path(self.files.work)
        if wal.exists() and wal.stat().st_size > 0:
            raise StagingError(f"{wal} still holds changes after a checkpoint; nothing copied")
        copy_keeping_locks(self.files.work, self.files.staging)
        self.con = connect(self.files.staging)
        return self.con

    def passed(self, manifest: pipeline.RunManifest) -> None:
        """The run's data tests passed and its manifest is written to the staging copy:
        close the copy, ready to publish."""
        if self.con is None:
            raise StagingError("passed() without a staging connection")
        self.manifest = manifest
        self.con.close()
        self.con = None

    def publish(self, published_database: Path) -> Path:
        """Publish the staging copy, then swap it in as the work database.

        The copy's manifest row already says succeeded, and so does the published file's:
        both become visible only by a rename done after publishing succeeded, so a reader
        never sees 'succeeded' for a run whose data is not published. Until the swap the
        work database still says 'running' (or, if publishing fails, failed)."""
        if self.con is not None or self.manifest is None:
            raise StagingError("publish() before the run passed")
        publish_database(self.files.staging, published_database)
        os.replace(self.files.staging, self.files.work)
        self.swapped = True
        fsync_directory(self.files.work.parent)
        return published_database

    def fail(
        self,
        run_id: str,
        mode: str,
        stats: ClientStats,
        error: BaseException,
        values: ValueIngestResult | None = None,
    ) -> None:
        """Record the failed run in the work database (its manifest row, its failed
        requests, the pages it refused) and keep its staging copy as the failed one. Never
        raises: the run's own error is what a person needs to see."""
        if self.swapped:
            log.error("the run failed after it was swapped in and published: %s", error)
            return
        trace = pipeline.FailureTrace()
        manifest: pipeline.RunManifest | None = None
        if self.con is not None:
            try:  # the staging copy tells its own story too, row counts included
                manifest = pipeline.finish_run(self.con, run_id, mode, stats, values, error)
                trace = pipeline.failure_trace(self.con, run_id)
            except duckdb.Error as problem:
                log.warning("the failed run's staging copy could not be written: %s", problem)
            self._close_staging()
        elif self.manifest is not None:  # passed, then publishing failed
            manifest = {
                **self.manifest,
                "status": "failed",
                "finished_at": datetime.now(UTC),
                "error": pipeline.describe_error(error),
            }
        try:
            if manifest is None:
                manifest = pipeline.run_manifest(self.work, run_id, mode, stats, values, error)
            pipeline.write_run_manifest(self.work, manifest)
            pipeline.record_failure_trace(self.work, run_id, trace)
        except duckdb.Error as problem:
            log.error("the failed run could not be recorded in %s: %s", self.files.work, problem)
        try:
            if self.files.staging.exists():
                move_database(self.files.staging, self.files.failed)
                log.warning("the failed run's database is kept as %s", self.files.failed)
        except OSError as problem:
            log.error("the failed run's staging copy could not be kept: %s", problem)

    def _close_staging(self) -> None:
        if self.con is not None:
            try:
                self.con.close()
            except duckdb.Error as problem:
                log.warning("closing the staging copy: %s", problem)
            self.con = None

    def close(self) -> None:
        self._close_staging()
        self.work.close()


def _connect_work(work_database: Path) -> duckdb.DuckDBPyConnection:
    try:
        return connect(work_database)
    except duckdb.IOException as error:
        raise WorkDatabaseInUseError(
            f"{work_database} is open for writing in another process (a snapshot?); "
            f"close it and run again: {error}"
        ) from None


@contextmanager
def staged_run(work_database: Path) -> Iterator[StagedRun]:
    """Hold the run lock of `work_database`, remove a killed run's staging copy, and open
    the work database (created on the first run) for a run."""
    with run_lock(work_database):
        files = RunFiles(work_database)
        if remove_database(files.staging):
            log.warning("removed %s, left by a run that was killed", files.staging)
        run = StagedRun(files, _connect_work(work_database))
        try:
            yield run
        finally:
            run.close()
