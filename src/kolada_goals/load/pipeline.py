"""The steps of a run as plain functions: metadata refresh, value planning and loading,
and the run manifest. flows/ wires them into Prefect; tests call them directly."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import duckdb
import orjson
import pyarrow as pa

from kolada_goals.errors import KoladaError, UnknownKpiError
from kolada_goals.extract.client import (
    METADATA_ENTITIES,
    AnsweredRecords,
    ClientStats,
    KoladaClient,
    Page,
    decode_envelope_keeping_body,
)
from kolada_goals.extract.incremental import (
    DEFAULT_FULL_EVERY_DAYS,
    LoadDecision,
    decide_load,
    record_loaded,
    scope_hash,
)
from kolada_goals.extract.planner import (
    ChangeLayouts,
    DataRequest,
    RequestPlan,
    change_layouts,
    plan_data_requests,
    plan_ou_data_requests,
)
from kolada_goals.load import raw
from kolada_goals.load.ingest import IngestFailedError, ValueIngestResult, ingest_values
from kolada_goals.load.metadata import MetadataBatch, load_metadata
from kolada_goals.load.value_writer import ValueRequest, request_id
from kolada_goals.sql_files import read_sql
from kolada_goals.warehouse import loading_settings

log = logging.getLogger(__name__)


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:8]


def default_years(today: date | None = None, span: int = 25) -> range:
    """The last `span` years up to the current one."""
    current = (today or date.today()).year
    return range(current - span + 1, current + 1)


def start_run(
    con: duckdb.DuckDBPyConnection, run_id: str, base_url: str, mode: str = "full"
) -> int:
    """Record a new run; returns how many earlier runs were found killed and abandoned."""
    abandoned = con.execute(read_sql("load/meta/abandon_stale_runs.sql")).fetchone()
    record_run_start(con, run_id, base_url, mode)
    return int(abandoned[0]) if abandoned else 0


def record_run_start(
    con: duckdb.DuckDBPyConnection, run_id: str, base_url: str, mode: str = "full"
) -> None:
    """The run's manifest row, 'running' until finish_run."""
    con.execute(
        read_sql("load/meta/start_run.sql"),
        {"run_id": run_id, "started_at": datetime.now(UTC), "mode": mode, "base_url": base_url},
    )


def table_row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    tables = [str(row[0]) for row in con.execute(read_sql("load/meta/table_names.sql")).fetchall()]
    counts: dict[str, int] = {}
    for table in tables:
        row = con.execute(f'select count(*) from "{table}"').fetchone()
        counts[table] = int(row[0]) if row else 0
    return counts


RunManifest = dict[str, object]


def run_manifest(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    mode: str,
    stats: ClientStats,
    values: ValueIngestResult | None = None,
    error: BaseException | None = None,
) -> RunManifest:
    """The parameters of load/meta/finish_run.sql for a run ending now; rows counted in `con`."""
    values = values or ValueIngestResult()
    return {
        "run_id": run_id,
        "finished_at": datetime.now(UTC),
        "mode": mode,
        "status": "failed" if error else "succeeded",
        "requests": stats.requests,
        "retries": stats.retries,
        "pages": stats.pages,
        "records": stats.records,
        "new_values": values.new_values,
        "revised_values": values.revised_values,
        "withdrawn_values": values.withdrawn_values,
        "failed_requests": len(values.failed),
        "row_counts": orjson.dumps(table_row_counts(con)).decode(),
        "error": None if error is None else describe_error(error),
    }


def describe_error(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def write_run_manifest(con: duckdb.DuckDBPyConnection, manifest: RunManifest) -> None:
    con.execute(read_sql("load/meta/finish_run.sql"), manifest)


def finish_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    mode: str,
    stats: ClientStats,
    values: ValueIngestResult | None = None,
    error: BaseException | None = None,
) -> RunManifest:
    """Write the run's manifest row (succeeded, or failed with `error`); returns it."""
    manifest = run_manifest(con, run_id, mode, stats, values, error)
    write_run_manifest(con, manifest)
    return manifest


def failed_requests(con: duckdb.DuckDBPyConnection, run_id: str) -> list[tuple[object, ...]]:
    """The run's rows of meta_failed_request: (path, error, failed_at)."""
    return con.execute(
        read_sql("load/meta/failed_requests_of_run.sql"), {"run_id": run_id}
    ).fetchall()


@dataclass
class FailureTrace:
    """What a failed run leaves where the rest of its rows are discarded: its failed requests
    and the pages it refused."""

    failed_requests: list[tuple[object, ...]] = field(default_factory=list)
    refused_pages: pa.Table | None = None


def failure_trace(con: duckdb.DuckDBPyConnection, run_id: str) -> FailureTrace:
    return FailureTrace(failed_requests(con, run_id), raw.refused_pages(con, run_id))


def record_failure_trace(con: duckdb.DuckDBPyConnection, run_id: str, trace: FailureTrace) -> None:
    """Write a failure trace (read in another database or transaction) as it was."""
    record_failed_requests(con, run_id, trace.failed_requests)
    if trace.refused_pages is not None:
        raw.keep_refused_pages(con, trace.refused_pages)


def record_failed_requests(
    con: duckdb.DuckDBPyConnection, run_id: str, rows: Sequence[tuple[object, ...]]
) -> None:
    """Rows of failed_requests, written again (into another database) as they were."""
    for path, error, failed_at in rows:
        con.execute(
            read_sql("load/meta/insert_failed_request.sql"),
            {"run_id": run_id, "path": path, "error": error, "failed_at": failed_at},
        )


async def refresh_metadata(
    client: KoladaClient,
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    entities: Iterable[str] = METADATA_ENTITIES,
    allow_shrink: bool = False,
) -> dict[str, int]:
    """Fetch and load every metadata entity; returns records per entity. A catalogue that
    shrinks sharply is refused unless `allow_shrink`."""
    counts: dict[str, int] = {}
    for entity in entities:
        pages = await _fetch_metadata_pages(client, con, run_id, entity)
        records = [record for page in pages for record in page.values.records]
        batch = MetadataBatch(run_id, entity, pages[0].request_url, pages[-1].fetched_at, records)
        try:
            changes = load_metadata(con, batch, allow_shrink)
        except KoladaError as error:  # refused: the pages stay in raw_, with their bodies
            raw.land_pages(con, run_id, entity, [_landed(page, str(error)) for page in pages])
            raise
        raw.land_pages(con, run_id, entity, [_landed(page) for page in pages])
        counts[entity] = changes.records
        log.info(
            "metadata %s: %d records, %d new, %d changed, %d removed",
            entity, changes.records, changes.new, changes.changed, changes.removed,
        )  # fmt: skip
    return counts


async def _fetch_metadata_pages(
    client: KoladaClient, con: duckdb.DuckDBPyConnection, run_id: str, entity: str
) -> list[Page[AnsweredRecords]]:
    """Every page of a metadata entity; a refused page is landed with its body before the
    error goes on."""
    pages: list[Page[AnsweredRecords]] = []
    try:
        async for page in client.iter_decoded_pages(entity, None, decode_envelope_keeping_body):
            pages.append(page)
    except KoladaError as error:
        failed = f"not applied: a later page of the request failed: {error}"
        landed = [_landed(page, failed) for page in pages]
        refused = raw.refused_page(error, request_id(error.request_url or error.url))
        raw.land_pages(con, run_id, entity, [*landed, *([refused] if refused else [])])
        raise
    return pages


def _landed(page: Page[AnsweredRecords], error: str | None = None) -> raw.LandedPage:
    """A metadata page for raw_page: with its body when it was refused."""
    body = page.values.body.decode("utf-8", errors="replace") if error else None
    return raw.LandedPage(
        request_id(page.request_url), page.request_url, page.page_url, page.page_number,
        page.fetched_at, page.record_count, error, body,
    )  # fmt: skip


def _column(con: duckdb.DuckDBPyConnection, sql_file: str) -> list[str]:
    return [str(row[0]) for row in con.execute(read_sql(sql_file)).fetchall()]


def check_known_kpis(con: duckdb.DuckDBPyConnection, kpi_ids: Sequence[str]) -> None:
    known = set(_column(con, "extract/kpi_ids.sql"))
    unknown = sorted(set(kpi_ids) - known)
    if unknown:
        raise UnknownKpiError(unknown)


def kpis_of_groups(con: duckdb.DuckDBPyConnection, kpi_group_ids: Sequence[str]) -> list[str]:
    rows = con.execute(
        read_sql("extract/kpi_group_members.sql"), {"kpi_group_ids": list(kpi_group_ids)}
    ).fetchall()
    found = {str(row[0]) for row in rows}
    missing = sorted(set(kpi_group_ids) - found)
    if missing:
        raise ValueError(f"unknown KPI group id(s): {', '.join(missing)}")
    return sorted({str(row[1]) for row in rows})


def _listed_places(con: duckdb.DuckDBPyConnection) -> tuple[list[str], list[str]]:
    """Every municipality and every group Kolada's catalogue lists."""
    return (
        _column(con, "extract/municipality_ids.sql"),
        _column(con, "extract/municipality_group_ids.sql"),
    )


def plan_values(
    con: duckdb.DuckDBPyConnection,
    kpi_ids: Sequence[str],
    years: Sequence[int],
    municipality_ids: Sequence[str] | None = None,
) -> RequestPlan:
    """Plan value requests for known KPIs; by default for every municipality Kolada lists."""
    check_known_kpis(con, kpi_ids)
    municipalities, groups = _listed_places(con)
    places = list(municipality_ids) if municipality_ids else municipalities
    return plan_data_requests(kpi_ids, places, years, listed_places=[*municipalities, *groups])


def change_layouts_of(
    con: duckdb.DuckDBPyConnection,
    kpi_ids: Sequence[str],
    years: Sequence[int],
    municipality_ids: Sequence[str] | None = None,
) -> ChangeLayouts:
    """Both layouts of the requests for what changed, for known KPIs."""
    check_known_kpis(con, kpi_ids)
    municipalities, groups = _listed_places(con)
    sizes = dict(con.execute(read_sql("extract/municipality_group_sizes.sql")).fetchall())
    return change_layouts(
        kpi_ids,
        list(municipality_ids) if municipality_ids else municipalities,
        years,
        listed_places=[*municipalities, *groups],
        group_sizes=[int(sizes.get(group, 0)) for group in groups],
    )


@dataclass
class ValueLoadSummary:
    decision: LoadDecision
    plans: list[RequestPlan] = field(default_factory=list)
    result: ValueIngestResult = field(default_factory=ValueIngestResult)
    layouts: ChangeLayouts | None = None  # of the changes, when any KPI asked for them


def _merge(total: ValueIngestResult, part: ValueIngestResult) -> None:
    total.requests += part.requests
    total.committed += part.committed
    total.values += part.values
    total.new_values += part.new_values
    total.revised_values += part.revised_values
    total.withdrawn_values += part.withdrawn_values
    total.seconds += part.seconds
    total.failed.extend(part.failed)
    total.dropped_values += part.dropped_values


def value_places(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every municipality Kolada lists, plus the groups used as references (their means as
    Kolada computes them are kept beside the project's own)."""
    return [
        *_column(con, "extract/municipality_ids.sql"),
        *_column(con, "extract/reference_group_ids.sql"),
    ]


def goal_kpi_ids(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every KPI a loaded goal definition names."""
    return _column(con, "goals/goal_kpi_ids.sql")


async def _fetch_and_load(
    client: KoladaClient,
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    requests: Sequence[ValueRequest],
    since: date | None,
    accept_drops: bool,
) -> ValueIngestResult:
    with loading_settings(con):
        return await ingest_values(
            client, con, run_id, requests, since, raise_on_failure=False,
            accept_drops=accept_drops,
        )  # fmt: skip


async def _ingest(
    client: KoladaClient,
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    plan: RequestPlan,
    requests: Sequence[DataRequest],
    since: date | None,
    accept_drops: bool,
) -> ValueIngestResult:
    log.info(
        "values (%s, %d KPIs): %d requests planned (%s layout, %d pages expected, lower bound %d)",
        "full" if since is None else f"changes since {since}",
        len({kpi for request in plan.requests for kpi in request.kpi_ids}),
        len(requests),
        plan.layout,
        plan.expected_pages,
        plan.lower_bound,
    )
    return await _fetch_and_load(client, con, run_id, requests, since, accept_drops)


async def _load_changes(
    client: KoladaClient,
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    layouts: ChangeLayouts,
    since: date,
    accept_drops: bool,
) -> tuple[RequestPlan, ValueIngestResult]:
    """Load what changed since `since`, in the layout the night's changes make cheaper.

    How many records changed is known only by asking: when the by-municipality layout
    could be the cheaper one, one of its requests goes first and the share of its records
    that changed is the estimate for the rest (its answer is loaded like the others)."""
    result = ValueIngestResult()
    share = 0.0
    probe: DataRequest | None = None
    if layouts.worth_probing:
        probe = layouts.probe
        records_before = client.stats.records
        _merge(result, await _fetch_and_load(client, con, run_id, [probe], since, accept_drops))
        asked = len(probe.kpi_ids) * len(probe.municipality_ids or ()) * len(probe.years)
        answered = client.stats.records - records_before
        share = answered / asked if asked else 0.0
        log.info(
            "values (changes since %s): %d of %d records of a sample request changed (%.2f %%)",
            since, answered, asked, 100 * share,
        )  # fmt: skip
    plan = layouts.plan(share)
    requests = [request for request in plan.requests if request != probe]
    _merge(result, await _ingest(client, con, run_id, plan, requests, since, accept_drops))
    return plan, result


async def load_unit_values(
    client: KoladaClient,
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    years: Sequence[int],
    accept_drops: bool = False,
) -> ValueIngestResult:
    """Load the values of the organisational units the goal definitions follow (and, for an
    own_units reference, of the kommun's other units), in full: a few hundred values a night.
    Raises IngestFailedError after loading everything else when some requests failed."""
    requests = [
        request
        for kpi_id, ou_ids in con.execute(read_sql("extract/unit_value_scope.sql")).fetchall()
        for request in plan_ou_data_requests([kpi_id], ou_ids, years)
    ]
    if not requests:
        return ValueIngestResult()
    log.info("unit values: %d requests planned", len(requests))
    result = await _fetch_and_load(client, con, run_id, requests, None, accept_drops)
    log.info(
        "unit values: %d answered, %d new, %d revised by Kolada, %d withdrawn, %d requests failed",
        result.values, result.new_values, result.revised_values, result.withdrawn_values,
        len(result.failed),
    )  # fmt: skip
    if result.failed:
        raise IngestFailedError(result)
    return result


async def load_values(
    client: KoladaClient,
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    kpi_ids: Sequence[str],
    years: Sequence[int],
    municipality_ids: Sequence[str] | None = None,
    full_every_days: int = DEFAULT_FULL_EVERY_DAYS,
    force_full: bool = False,
    accept_drops: bool = False,
) -> ValueLoadSummary:
    """Load values of `kpi_ids`: in full where due, else incrementally. Raises
    IngestFailedError after loading everything else when some requests failed."""
    now = datetime.now(UTC)
    scope = scope_hash(years, municipality_ids)
    decision = decide_load(con, kpi_ids, scope, now, full_every_days, force_full)
    summary = ValueLoadSummary(decision)
    for part_kpis, since in (
        (decision.full_kpi_ids, None),
        (decision.incremental_kpi_ids, decision.since),
    ):
        if not part_kpis:
            continue
        if since is None:
            plan = plan_values(con, part_kpis, years, municipality_ids)
            part = await _ingest(client, con, run_id, plan, plan.requests, None, accept_drops)
        else:
            summary.layouts = change_layouts_of(con, part_kpis, years, municipality_ids)
            plan, part = await _load_changes(
                client, con, run_id, summary.layouts, since, accept_drops
            )
        summary.plans.append(plan)
        _merge(summary.result, part)
        failed_kpis = {kpi for failure in part.failed for kpi in failure.kpi_ids}
        loaded = [kpi for kpi in part_kpis if kpi not in failed_kpis]
        record_loaded(con, loaded, scope, now, is_full=since is None)
    log.info(
        "values: %d answered, %d new, %d revised by Kolada, %d withdrawn, %d requests failed",
        summary.result.values,
        summary.result.new_values,
        summary.result.revised_values,
        summary.result.withdrawn_values,
        len(summary.result.failed),
    )
    if summary.result.failed:
        raise IngestFailedError(summary.result)
    return summary
