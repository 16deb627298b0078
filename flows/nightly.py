"""The nightly run as a Prefect flow. Only wiring: the work is in kolada_goals.pipeline."""

from __future__ import annotations

from typing import Any

import duckdb
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from kolada_goals import pipeline
from kolada_goals.client import KoladaClient
from kolada_goals.settings import RunOptions
from kolada_goals.warehouse import apply_schema, connect


@task(name="refresh-metadata", retries=2, retry_delay_seconds=30, cache_policy=NO_CACHE)
async def refresh_metadata(
    client: KoladaClient, con: duckdb.DuckDBPyConnection, run_id: str
) -> dict[str, int]:
    return await pipeline.refresh_metadata(client, con, run_id)


@task(name="load-values", cache_policy=NO_CACHE)
async def load_values(
    client: KoladaClient, con: duckdb.DuckDBPyConnection, run_id: str, options: RunOptions
) -> dict[str, Any]:
    kpi_ids = sorted({*options.kpi_ids, *pipeline.kpis_of_groups(con, options.kpi_group_ids)})
    if not kpi_ids:
        get_run_logger().warning("no KPIs configured: only metadata was refreshed")
        return {"requests": 0, "values": 0}
    plan = pipeline.plan_values(con, kpi_ids, options.years, options.municipality_ids or None)
    summary = await pipeline.load_values(client, con, run_id, plan)
    return {
        "kpis": len(kpi_ids),
        "requests": len(plan.requests),
        "lower_bound": plan.lower_bound,
        "values": summary.result.values,
        "values_per_second": round(summary.result.values_per_second),
    }


@flow(name="kolada-goals-nightly", log_prints=True)
async def nightly(options: RunOptions) -> dict[str, Any]:
    logger = get_run_logger()
    con = connect(options.database)
    run_id = pipeline.new_run_id()
    try:
        apply_schema(con)
        pipeline.start_run(con, run_id, "full", options.client.base_url)
        async with KoladaClient(options.client) as client:
            try:
                metadata = await refresh_metadata(client, con, run_id)
                values = await load_values(client, con, run_id, options)
            except BaseException as error:
                pipeline.finish_run(con, run_id, client.stats, error)
                raise
            pipeline.finish_run(con, run_id, client.stats)
            logger.info(
                "run %s: %d requests (%d retries), metadata %s, values %s",
                run_id,
                client.stats.requests,
                client.stats.retries,
                metadata,
                values,
            )
            return {"run_id": run_id, "metadata": metadata, "values": values}
    finally:
        con.close()
