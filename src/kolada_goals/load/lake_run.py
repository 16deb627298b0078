"""A run on a DuckLake: one transaction from its first write to its publishing commit.

Readers attached to the lake see the last published snapshot until the run commits, which
it does only after its data tests passed; a run that fails is rolled back, and one killed
at any moment never commits, so the lake stays at the last good snapshot. Each published
run is a DuckLake snapshot whose commit message is the run id. A failed run's manifest row,
its failed requests and the pages it refused are then written in a small commit of their
own, as the embedded file's failed runs are (staged_run.py).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from kolada_goals.errors import KoladaGoalsError
from kolada_goals.extract.client import ClientStats
from kolada_goals.lake import LAKE, LakeSettings, connect_lake
from kolada_goals.load import pipeline
from kolada_goals.load.ingest import ValueIngestResult
from kolada_goals.load.staged_run import StagedRun, staged_run
from kolada_goals.sql_files import read_sql
from kolada_goals.transactions import (
    begin_run_transaction,
    end_run_transaction,
    in_run_transaction,
    transaction,
)

log = logging.getLogger(__name__)

COMMIT_AUTHOR = "kolada-goals"
# A run that loses a commit race to another writer (DuckLake detects the conflict) is run
# again from the start, on the data the other writer published.
CONFLICT_ATTEMPTS = 3


class LakeConflictError(KoladaGoalsError):
    """Another writer committed to the lake tables this run changed, after the run began."""


class LakeRun:
    """One run on a lake, with the interface of staged_run.StagedRun."""

    def __init__(self, lake: LakeSettings) -> None:
        self.lake = lake
        self.work = connect_lake(lake)
        self.run: tuple[str, str, str] | None = None  # run id, base URL, mode
        self.manifest: pipeline.RunManifest | None = None
        self.published = False

    def start(self, run_id: str, base_url: str, mode: str = "full") -> int:
        """Note the run; its manifest row is written in its own transaction (stage), so no
        other run on the lake ever sees it running, and none is abandoned for it."""
        self.run = (run_id, base_url, mode)
        return 0

    def stage(self) -> duckdb.DuckDBPyConnection:
        if self.run is None:
            raise RuntimeError("stage() before start()")
        run_id, base_url, mode = self.run
        begin_run_transaction(self.work)
        pipeline.record_run_start(self.work, run_id, base_url, mode)
        return self.work

    def passed(self, manifest: pipeline.RunManifest) -> None:
        self.manifest = manifest

    def publish(self, published_database: object = None) -> str:
        """Commit the run: one DuckLake snapshot, named by the run id."""
        if self.manifest is None or self.run is None:
            raise RuntimeError("publish() before the run passed")
        self.work.execute(
            "call ducklake_set_commit_message(?, ?, ?)", [LAKE, COMMIT_AUTHOR, self.run[0]]
        )
        try:
            end_run_transaction(self.work, commit=True)
        except duckdb.TransactionException as error:
            if "conflict" not in str(error).lower():
                raise
            raise LakeConflictError(
                f"another writer committed to {self.lake.describe()} first: {error}"
            ) from None
        self.published = True
        row = self.work.execute(read_sql("load/lake/last_snapshot.sql"), [LAKE]).fetchone()
        return f"{self.lake.describe()}, snapshot {row[0] if row else '?'}"

    def fail(
        self,
        run_id: str,
        mode: str,
        stats: ClientStats,
        error: BaseException,
        values: ValueIngestResult | None = None,
    ) -> None:
        """Roll the run back and record it as failed in a commit of its own. Never raises."""
        if self.published:
            log.error("the run failed after it was published: %s", error)
            return
        trace = pipeline.FailureTrace()
        if in_run_transaction(self.work):
            try:
                trace = pipeline.failure_trace(self.work, run_id)
            except duckdb.Error as problem:  # e.g. the transaction was aborted by the error
                log.warning("the failed run's requests could not be read back: %s", problem)
            end_run_transaction(self.work, commit=False)
        try:
            with transaction(self.work):
                base_url = self.run[1] if self.run else ""
                pipeline.record_run_start(self.work, run_id, base_url, mode)
                manifest = pipeline.run_manifest(self.work, run_id, mode, stats, values, error)
                pipeline.write_run_manifest(self.work, manifest)
                pipeline.record_failure_trace(self.work, run_id, trace)
        except duckdb.Error as problem:
            log.error(
                "the failed run could not be recorded in %s: %s", self.lake.describe(), problem
            )

    def close(self) -> None:
        if in_run_transaction(self.work):
            end_run_transaction(self.work, commit=False)
        self.work.close()


@contextmanager
def lake_run(lake: LakeSettings) -> Iterator[LakeRun]:
    run = LakeRun(lake)
    try:
        yield run
    finally:
        run.close()


@contextmanager
def open_run(work_database: Path, lake: LakeSettings | None) -> Iterator[LakeRun | StagedRun]:
    """The run's home: the lake when one is given, else the work database's staged copy."""
    if lake is not None:
        with lake_run(lake) as run:
            yield run
    else:
        with staged_run(work_database) as staged:
            yield staged
