"""The nightly run as a Prefect flow. Only wiring: the work is in kolada_goals."""

from __future__ import annotations

from typing import Any

import duckdb
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from kolada_goals.errors import KoladaGoalsError
from kolada_goals.extract.client import DEFAULT_BASE_URL, KoladaClient
from kolada_goals.goals.store import GoalLoadSummary, load_goal_definitions, watch_kpis
from kolada_goals.load import pipeline, raw
from kolada_goals.load.ingest import IngestFailedError
from kolada_goals.load.lake_run import CONFLICT_ATTEMPTS, LakeConflictError, LakeRun, open_run
from kolada_goals.load.staged_run import StagedRun
from kolada_goals.settings import RunOptions
from kolada_goals.status.data_tests import run_data_tests
from kolada_goals.status.marts import build_marts
from kolada_goals.warehouse import apply_schema


class DataTestsFailedError(KoladaGoalsError):
    pass


# No task retries anywhere: the client alone retries what is transient (429, 5xx, lost
# connections); a refusal (a shrunken or broken catalogue, a failing data test) is
# deterministic, and repeating it only delays the message to a person.
@task(name="refresh-metadata", cache_policy=NO_CACHE)
async def refresh_metadata(
    client: KoladaClient, con: duckdb.DuckDBPyConnection, run_id: str, options: RunOptions
) -> dict[str, int]:
    return await pipeline.refresh_metadata(client, con, run_id, allow_shrink=options.allow_shrink)


@task(name="load-goal-definitions", cache_policy=NO_CACHE)
def load_goals(con: duckdb.DuckDBPyConnection, run_id: str, options: RunOptions) -> GoalLoadSummary:
    summary = load_goal_definitions(con, options.goals_directory, run_id=run_id)
    changes = watch_kpis(con, run_id)
    logger = get_run_logger()
    logger.info(
        "goal definitions: %d kommun(er) loaded from %s; KPI watch: %d change(s)",
        len(summary.loaded), options.goals_directory, len(changes),
    )  # fmt: skip
    if summary.problems:
        logger.error(
            "%d problem(s) in goal definitions; earlier definitions of %s kept:\n  %s",
            len(summary.problems), ", ".join(summary.kept) or "no kommun",
            "\n  ".join(map(str, summary.problems)),
        )  # fmt: skip
    return summary


@task(name="load-values", cache_policy=NO_CACHE)
async def load_values(
    client: KoladaClient, con: duckdb.DuckDBPyConnection, run_id: str, options: RunOptions
) -> pipeline.ValueLoadSummary | None:
    kpi_ids = sorted(
        {
            *options.kpi_ids,
            *pipeline.kpis_of_groups(con, options.kpi_group_ids),
            *pipeline.goal_kpi_ids(con),
        }
    )
    if not kpi_ids:
        get_run_logger().warning("no KPIs configured: only metadata was refreshed")
        return None
    return await pipeline.load_values(
        client,
        con,
        run_id,
        kpi_ids,
        options.years,
        options.municipality_ids or pipeline.value_places(con),
        options.full_every_days,
        options.force_full,
        options.accept_drops,
    )


@task(name="load-unit-values", cache_policy=NO_CACHE)
async def load_unit_values(
    client: KoladaClient, con: duckdb.DuckDBPyConnection, run_id: str, options: RunOptions
) -> int:
    """The values of the organisational units the goal definitions follow."""
    result = await pipeline.load_unit_values(
        client, con, run_id, options.years, options.accept_drops
    )
    return result.values


@task(name="build-marts", cache_policy=NO_CACHE)
def marts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return build_marts(con)


@task(name="data-tests", cache_policy=NO_CACHE)
def data_tests(con: duckdb.DuckDBPyConnection) -> int:
    failures = run_data_tests(con)
    if failures:
        raise DataTestsFailedError(
            f"{len(failures)} data test(s) failed:\n  " + "\n  ".join(map(str, failures))
        )
    return 0


@task(name="publish", cache_policy=NO_CACHE)
def publish(run: StagedRun | LakeRun, options: RunOptions) -> str:
    return str(run.publish(options.published_database))


@flow(name="kolada-goals-nightly")
async def nightly(
    published_database: str,
    work_database: str,
    goals_directory: str,
    base_url: str = DEFAULT_BASE_URL,
    years: str = "",
    kpi_ids: list[str] | None = None,
    kpi_group_ids: list[str] | None = None,
    full: bool = False,
    accept_drops: bool = False,
    allow_shrink: bool = False,
    rate: float = 5.0,
    concurrency: int = 4,
    attempts: int = 6,
    lake: str = "",
    lake_data: str = "",
) -> dict[str, Any]:
    """Refresh metadata, load values, test, and publish the database for readers.

    Args:
        published_database: Absolute path of the DuckDB file readers open; replaced
            atomically after a good run.
        work_database: Absolute path of the DuckDB file the run writes and keeps.
        goals_directory: Absolute path of the folder of goal-definition files (*.yaml).
        base_url: Kolada v3 base URL.
        years: e.g. 2001-2025 or 2019,2021; empty: the last 25 years.
        kpi_ids: KPI ids to fetch besides those the goal files name.
        kpi_group_ids: KPI group ids whose KPIs to fetch, e.g. GKPI118.
        full: Load every KPI in full, not incrementally.
        accept_drops: Replace stored values even when an answer shrinks sharply.
        allow_shrink: Accept a Kolada catalogue that shrank sharply.
        rate: Requests per second at most; 0 turns the limit off.
        concurrency: Requests in flight at most.
        attempts: Attempts per request (429, 5xx and lost connections are retried).
        lake: A DuckLake catalog to write instead of the DuckDB files, e.g.
            postgres:dbname=kolada host=127.0.0.1 user=kolada; empty: the files.
        lake_data: The lake's data folder or s3:// URL (empty: the catalog's own).
    """
    options = RunOptions.from_parameters(
        published_database=published_database,
        work_database=work_database,
        goals_directory=goals_directory,
        base_url=base_url,
        years=years,
        kpi_ids=kpi_ids or (),
        kpi_group_ids=kpi_group_ids or (),
        full=full,
        accept_drops=accept_drops,
        allow_shrink=allow_shrink,
        rate=rate,
        concurrency=concurrency,
        attempts=attempts,
        lake=lake,
        lake_data=lake_data,
    )
    return await run_nightly(options)


async def run_nightly(options: RunOptions) -> dict[str, Any]:
    """The flow's body: called inside the flow run, so its tasks are the flow's tasks. On a
    lake, a run that another writer beat to the commit runs again (CONFLICT_ATTEMPTS)."""
    for attempt in range(1, CONFLICT_ATTEMPTS + 1):
        try:
            return await _run_once(options)
        except LakeConflictError as error:
            if attempt == CONFLICT_ATTEMPTS:
                raise
            get_run_logger().warning(
                "%s; running again (attempt %d of %d)", error, attempt + 1, CONFLICT_ATTEMPTS
            )
    raise AssertionError("unreachable: the last attempt returns or raises")


async def _run_once(options: RunOptions) -> dict[str, Any]:
    logger = get_run_logger()
    where = (
        options.lake.describe()
        if options.lake
        else f"work database {options.work_database}; published database "
        f"{options.published_database}"
    )
    logger.info("Kolada %s; goals %s; %s", options.client.base_url, options.goals_directory, where)
    run_id = pipeline.new_run_id()
    summary: pipeline.ValueLoadSummary | None = None
    # The run writes a staging copy of the work database, swapped in only after its data
    # tests passed and it was published (kolada_goals.load.staged_run), or on a lake one
    # transaction that publishing commits (kolada_goals.load.lake_run): a failed or killed
    # run leaves the data as the last good run left it.
    with open_run(options.work_database, options.lake) as run:
        apply_schema(run.work)
        abandoned = run.start(run_id, options.client.base_url)
        if abandoned:
            logger.warning("%d earlier run(s) had been killed; marked abandoned", abandoned)
        async with KoladaClient(options.client) as client:
            try:
                con = run.stage()
                metadata = await refresh_metadata(client, con, run_id, options)
                load_goals(con, run_id, options)
                summary = await load_values(client, con, run_id, options)
                await load_unit_values(client, con, run_id, options)
                marts(con)
                data_tests(con)
                raw.prune_raw(con, options.raw_retention_days)
                mode = summary.decision.mode if summary else "metadata"
                values = summary.result if summary else None
                run.passed(pipeline.finish_run(con, run_id, mode, client.stats, values))
                published = publish(run, options)
            except BaseException as error:
                run.fail(
                    run_id,
                    summary.decision.mode if summary else "full",
                    client.stats,
                    error,
                    error.result if isinstance(error, IngestFailedError) else None,
                )
                raise
            logger.info(
                "run %s (%s): %d requests, %d retries; metadata %s; %s",
                run_id,
                mode,
                client.stats.requests,
                client.stats.retries,
                metadata,
                "no values"
                if values is None
                else (
                    f"{values.values} values, {values.new_values} new, "
                    f"{values.revised_values} revised, {values.withdrawn_values} withdrawn"
                ),
            )
    logger.info("published %s", published)
    return {"run_id": run_id, "published": published}
