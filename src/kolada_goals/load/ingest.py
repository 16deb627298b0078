"""Fetch KPI values and stream them into DuckDB, request ("slice") by request.

Pages are kept in memory as they arrive; once every page of a request has arrived and passed
the checks, the slice goes to the value writer (value_writer.py), which lands it raw and
builds the history from it. A request that fails (after the client's retries) is discarded
whole: the stored values of that slice stay as they were, the failure is recorded in
meta_failed_request, the refused page lands in raw_page with its body and the error, and
ingest_values raises once every other request is done.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from functools import partial
from typing import Literal

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from kolada_goals.errors import KoladaError, KoladaGoalsError
from kolada_goals.extract.client import KoladaClient, Page, from_date_param
from kolada_goals.extract.planner import DataRequest
from kolada_goals.extract.records import decode_value_page
from kolada_goals.load import raw
from kolada_goals.load.value_writer import (
    BATCH_VALUES,
    MIN_BATCH_VALUES,
    Slice,
    SliceOutcome,
    StagedPages,
    SuspiciousDropError,
    ValueRequest,
    ValueWriter,
    request_id,
)
from kolada_goals.sql_files import read_sql

log = logging.getLogger(__name__)

PROGRESS_EVERY_SECONDS = 5.0
FLUSH_EVERY_SECONDS = 2.0


@dataclass(frozen=True)
class FailedSlice:
    path: str
    error: str
    kpi_ids: tuple[str, ...] = ()
    pages: tuple[raw.LandedPage, ...] = ()  # fetched before it failed, the refused one last
    route: str = "data"


@dataclass
class ValueIngestResult:
    requests: int = 0
    committed: int = 0
    values: int = 0
    new_values: int = 0
    revised_values: int = 0
    withdrawn_values: int = 0
    seconds: float = 0.0
    failed: list[FailedSlice] = field(default_factory=list)
    # Values answered for places outside the run's scope (groups nobody asked for), which
    # a request without a municipality segment answers too: not stored.
    dropped_values: int = 0

    @property
    def values_per_second(self) -> float:
        return self.values / self.seconds if self.seconds else 0.0


class IngestFailedError(KoladaGoalsError):
    def __init__(self, result: ValueIngestResult) -> None:
        shown = "\n  ".join(f"{f.path}: {f.error}" for f in result.failed[:10])
        more = f"\n  … and {len(result.failed) - 10} more" if len(result.failed) > 10 else ""
        super().__init__(
            f"{len(result.failed)} of {result.requests} requests failed after the client's "
            f"retries:\n  {shown}{more}"
        )
        self.result = result


@dataclass(frozen=True)
class _PageDone:
    piece: Slice
    page: Page[pa.Table]
    dropped: int = 0  # values for places the run does not keep


@dataclass(frozen=True)
class _SliceDone:
    piece: Slice


@dataclass(frozen=True)
class _SliceFailed:
    piece: Slice
    error: BaseException


_Event = _PageDone | _SliceDone | _SliceFailed


def _kept_places(request: ValueRequest) -> pa.Array | None:
    """The places to keep of an answer that holds more than the run stores (None: all)."""
    if (
        isinstance(request, DataRequest)
        and request.municipality_ids is None
        and request.kept_places is not None
    ):
        return pa.array(request.kept_places, pa.string())
    return None


async def _fetch_slices(
    client: KoladaClient,
    pending: asyncio.Queue[tuple[Slice, ValueRequest]],
    events: asyncio.Queue[_Event],
    since: date | None,
) -> None:
    params = from_date_param(since)
    while True:
        try:
            piece, request = pending.get_nowait()
        except asyncio.QueueEmpty:
            return
        place: Literal["municipality", "ou"] = "ou" if piece.route == "oudata" else "municipality"
        # Every record must lie in what the request named; paging is bounded by its size.
        decode = partial(decode_value_page, place=place, scope=request.scope())
        pages = client.iter_decoded_pages(
            piece.path, params, decode, expected_records=request.expected_records
        )
        kept = _kept_places(request)
        try:
            async for page in pages:
                if kept is None:
                    await events.put(_PageDone(piece, page))
                    continue
                table = page.values.filter(pc.is_in(page.values["place_id"], value_set=kept))
                dropped = page.values.num_rows - table.num_rows
                await events.put(_PageDone(piece, replace(page, values=table), dropped))
        except Exception as error:  # every failure is reported per slice, none is dropped
            await events.put(_SliceFailed(piece, error))
            continue
        await events.put(_SliceDone(piece))


async def ingest_values(
    client: KoladaClient,
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    requests: Sequence[ValueRequest],
    since: date | None = None,
    raise_on_failure: bool = True,
    accept_drops: bool = False,
) -> ValueIngestResult:
    """Fetch every request and load it slice by slice. See the module docstring."""
    result = ValueIngestResult(requests=len(requests))
    if not requests:
        return result
    writer = ValueWriter(con, run_id, accept_drops)
    pending: asyncio.Queue[tuple[Slice, ValueRequest]] = asyncio.Queue()
    for slice_id, request in enumerate(requests):
        pending.put_nowait((Slice.of(slice_id, request, is_changes=since is not None), request))
    workers = min(client.settings.max_concurrency, len(requests))
    # Bounded: fetching waits for the writer, so memory stays flat whatever the total.
    events: asyncio.Queue[_Event] = asyncio.Queue(maxsize=2 * workers)
    started = time.monotonic()
    writing_seconds = 0.0
    fetched_values = 0
    fetchers = [
        asyncio.create_task(_fetch_slices(client, pending, events, since)) for _ in range(workers)
    ]

    # One batch is written on a thread while the next one is fetched; a second batch waits
    # for the first, so at most two are held in memory.
    writing: asyncio.Task[None] | None = None

    async def write(ready: list[tuple[Slice, StagedPages]], last: bool) -> None:
        nonlocal writing_seconds
        flush_started = time.monotonic()
        _count(result, await asyncio.to_thread(writer.flush if last else writer.write, ready))
        writing_seconds += time.monotonic() - flush_started

    async def written() -> None:
        if writing is not None:
            await writing

    def writer_is_free() -> bool:
        return writing is None or writing.done()

    async def flush(last: bool = False) -> None:
        nonlocal writing
        await written()
        writing = asyncio.create_task(write(writer.take_ready(), last))

    finished = 0
    last_report = last_flush = started
    try:
        while finished < len(requests):
            event = await events.get()
            if isinstance(event, _PageDone):
                writer.stage(event.piece, event.page)
                fetched_values += event.page.values.num_rows
                result.dropped_values += event.dropped
                continue
            finished += 1
            if isinstance(event, _SliceDone):
                writer.complete(event.piece)
            else:
                fetched = writer.discard(event.piece)
                failure = _failure(event.piece, event.error, fetched)
                result.failed.append(failure)
                log.error("request failed: %s: %s", failure.path, failure.error)
            waiting = writer.ready_values
            if (
                waiting >= BATCH_VALUES
                or (waiting >= MIN_BATCH_VALUES and writer_is_free())
                or time.monotonic() - last_flush >= FLUSH_EVERY_SECONDS
            ):
                await flush()
                last_flush = time.monotonic()
            now = time.monotonic()
            if now - last_report >= PROGRESS_EVERY_SECONDS:
                last_report = now
                log.info(
                    "values: %d/%d requests, %d values fetched (%.0f/s), %d loaded, %d failed",
                    finished, len(requests), fetched_values,
                    fetched_values / max(now - started, 1e-9), result.values, len(result.failed),
                )  # fmt: skip
        await flush(last=True)
        await written()
    finally:
        for task in fetchers:
            task.cancel()
        await asyncio.gather(*fetchers, return_exceptions=True)
        # A writing thread finishes its statements either way: wait before rolling back.
        await asyncio.gather(written(), return_exceptions=True)
        writer.abort()  # only left open when something failed half way
    result.seconds = time.monotonic() - started
    log.info(
        "values: %d loaded from %d of %d requests in %.1f s (%.1f s writing to DuckDB), "
        "%d failed",
        result.values, result.committed, len(requests), result.seconds, writing_seconds,
        len(result.failed),
    )  # fmt: skip
    if result.dropped_values:
        log.info(
            "values: %d values for places outside the run's scope (groups nobody asked for) "
            "answered and not stored",
            result.dropped_values,
        )
    _record_failures(con, run_id, result.failed)
    if result.failed and raise_on_failure:
        raise IngestFailedError(result)
    return result


def _count(
    result: ValueIngestResult, applied: Sequence[tuple[Slice, SliceOutcome | SuspiciousDropError]]
) -> None:
    for piece, outcome in applied:
        if isinstance(outcome, SuspiciousDropError):
            result.failed.append(FailedSlice(piece.path, str(outcome), piece.kpi_ids))
            log.error("slice kept as before: %s: %s", piece.path, outcome)
            continue
        result.values += outcome.values
        result.new_values += outcome.new_values
        result.revised_values += outcome.revised_values
        result.withdrawn_values += outcome.withdrawn_values
        result.committed += 1


def _failure(piece: Slice, error: BaseException, fetched: StagedPages | None) -> FailedSlice:
    """A failed request, with the pages it fetched: those before the failure are not applied,
    and the refused one, when there was an answer, keeps its body."""
    message = str(error)
    pages = [
        replace(page, error=f"not applied: a later page of the request failed: {message}")
        for page in (fetched.pages() if fetched else [])
    ]
    if isinstance(error, KoladaError):
        url = error.request_url or error.url
        refused = raw.refused_page(error, fetched.request_id if fetched else request_id(url))
        if refused is not None:
            pages.append(refused)
    return FailedSlice(piece.path, message, piece.kpi_ids, tuple(pages), piece.route)


def _record_failures(
    con: duckdb.DuckDBPyConnection, run_id: str, failed: Sequence[FailedSlice]
) -> None:
    for failure in failed:
        con.execute(
            read_sql("load/meta/insert_failed_request.sql"),
            {
                "run_id": run_id,
                "path": failure.path,
                "error": failure.error,
                "failed_at": datetime.now(UTC),
            },
        )
    for route in ("data", "oudata"):
        pages = [page for failure in failed if failure.route == route for page in failure.pages]
        raw.land_pages(con, run_id, route, pages)
