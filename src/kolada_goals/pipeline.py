"""The steps of a run as plain functions: metadata refresh, value planning and loading,
and the run manifest. flows/ wires them into Prefect; tests call them directly."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

import duckdb

from kolada_goals.client import METADATA_ENTITIES, ClientStats, KoladaClient
from kolada_goals.errors import UnknownKpiError
from kolada_goals.metadata import MetadataBatch, load_metadata
from kolada_goals.planner import RequestPlan, plan_data_requests
from kolada_goals.sql_files import read_sql
from kolada_goals.values import ValueIngestResult, ingest_values

log = logging.getLogger(__name__)


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:8]


def default_years(today: date | None = None, span: int = 25) -> range:
    """The last `span` years up to the current one."""
    current = (today or date.today()).year
    return range(current - span + 1, current + 1)


def start_run(con: duckdb.DuckDBPyConnection, run_id: str, mode: str, base_url: str) -> None:
    con.execute(
        read_sql("load/start_run.sql"),
        {"run_id": run_id, "started_at": datetime.now(UTC), "mode": mode, "base_url": base_url},
    )


def finish_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    stats: ClientStats,
    error: BaseException | None = None,
) -> None:
    con.execute(
        read_sql("load/finish_run.sql"),
        {
            "run_id": run_id,
            "finished_at": datetime.now(UTC),
            "status": "failed" if error else "succeeded",
            "requests": stats.requests,
            "retries": stats.retries,
            "pages": stats.pages,
            "records": stats.records,
            "error": None if error is None else f"{type(error).__name__}: {error}",
        },
    )


async def refresh_metadata(
    client: KoladaClient,
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    entities: Iterable[str] = METADATA_ENTITIES,
) -> dict[str, int]:
    """Fetch and load every metadata entity; returns records per entity."""
    counts: dict[str, int] = {}
    for entity in entities:
        url, records, fetched_at = await client.fetch_all(entity)
        counts[entity] = load_metadata(con, MetadataBatch(run_id, entity, url, fetched_at, records))
        log.info("metadata %s: %d records", entity, counts[entity])
    return counts


def _column(con: duckdb.DuckDBPyConnection, sql_file: str) -> list[str]:
    return [str(row[0]) for row in con.execute(read_sql(sql_file)).fetchall()]


def check_known_kpis(con: duckdb.DuckDBPyConnection, kpi_ids: Sequence[str]) -> None:
    known = set(_column(con, "queries/kpi_ids.sql"))
    unknown = sorted(set(kpi_ids) - known)
    if unknown:
        raise UnknownKpiError(unknown)


def kpis_of_groups(con: duckdb.DuckDBPyConnection, kpi_group_ids: Sequence[str]) -> list[str]:
    rows = con.execute(
        read_sql("queries/kpi_group_members.sql"), {"kpi_group_ids": list(kpi_group_ids)}
    ).fetchall()
    found = {str(row[0]) for row in rows}
    missing = sorted(set(kpi_group_ids) - found)
    if missing:
        raise ValueError(f"unknown KPI group id(s): {', '.join(missing)}")
    return sorted({str(row[1]) for row in rows})


def plan_values(
    con: duckdb.DuckDBPyConnection,
    kpi_ids: Sequence[str],
    years: Sequence[int],
    municipality_ids: Sequence[str] | None = None,
) -> RequestPlan:
    """Plan value requests for known KPIs; by default for every municipality Kolada lists."""
    check_known_kpis(con, kpi_ids)
    places = (
        list(municipality_ids) if municipality_ids else _column(con, "queries/municipality_ids.sql")
    )
    answer_rows = len(_column(con, "queries/municipality_ids.sql")) + len(
        _column(con, "queries/municipality_group_ids.sql")
    )
    return plan_data_requests(
        kpi_ids, places, years, answer_rows_without_municipality=max(answer_rows, 1)
    )


@dataclass(frozen=True)
class ValueLoadSummary:
    plan: RequestPlan
    result: ValueIngestResult


async def load_values(
    client: KoladaClient,
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    plan: RequestPlan,
    since: date | None = None,
) -> ValueLoadSummary:
    log.info(
        "values: %d requests planned (%s layout, %d pages expected, lower bound %d)",
        len(plan.requests),
        plan.layout,
        plan.expected_pages,
        plan.lower_bound,
    )
    result = await ingest_values(client, con, run_id, plan.requests, since)
    return ValueLoadSummary(plan, result)
