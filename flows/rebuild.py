"""The rebuild from raw_ as a Prefect flow. Only wiring: the work is in kolada_goals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.nightly import data_tests, marts
from kolada_goals.extract.client import ClientStats
from kolada_goals.load import pipeline
from kolada_goals.load.replay import ReplaySummary, replay_up_to
from kolada_goals.load.staged_run import staged_run
from kolada_goals.warehouse import apply_schema


@task(name="replay-raw", cache_policy=NO_CACHE)
def replay(con: duckdb.DuckDBPyConnection, run_id: str) -> ReplaySummary:
    return replay_up_to(con, run_id)


@flow(name="kolada-goals-rebuild")
async def rebuild(published_database: str, work_database: str, from_run_id: str) -> dict[str, Any]:
    """Build the catalogue, the value history and the marts again from raw_, up to the run
    `from_run_id`, without the network; test and publish them as a run does.

    Args:
        published_database: Absolute path of the DuckDB file readers open.
        work_database: Absolute path of the work database, whose raw_ rows are replayed.
        from_run_id: The last run to replay (meta_run.run_id).
    """
    logger = get_run_logger()
    run_id = pipeline.new_run_id()
    stats = ClientStats()  # no request is sent
    with staged_run(Path(work_database)) as run:
        apply_schema(run.work)
        abandoned = pipeline.start_run(
            run.work, run_id, f"raw_ of {work_database} up to {from_run_id}", mode="rebuild"
        )
        if abandoned:
            logger.warning("%d earlier run(s) had been killed; marked abandoned", abandoned)
        try:
            con = run.stage()
            summary = replay(con, from_run_id)
            logger.info(
                "replayed %d run(s) up to %s: %d catalogue list(s), %d requests, %d values",
                summary.runs, from_run_id, summary.catalogue_lists, summary.requests,
                summary.values,
            )  # fmt: skip
            marts(con)
            data_tests(con)
            run.passed(pipeline.finish_run(con, run_id, "rebuild", stats))
            published = str(run.publish(Path(published_database)))
        except BaseException as error:
            run.fail(run_id, "rebuild", stats, error)
            raise
    logger.info("published %s", published)
    return {"run_id": run_id, "published": published}
