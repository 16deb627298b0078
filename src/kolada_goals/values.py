"""Fetch KPI values and stream them into DuckDB, one request ("slice") at a time.

Pages are staged as they arrive; when every page of a request has arrived and passed the
checks, its rows move to raw_ and core_ tables in one transaction, replacing exactly the
slice the request covered. A request that fails (after the client's retries) is discarded
whole: the stored values of that slice stay as they were, the failure is recorded in
meta_failed_request, and ingest_values raises once every other request is done.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Literal

import duckdb
import pyarrow as pa

from kolada_goals.client import KoladaClient, Page, from_date_param
from kolada_goals.errors import KoladaGoalsError
from kolada_goals.planner import DataRequest, OuDataRequest
from kolada_goals.records import ValueColumns, flatten_page
from kolada_goals.sql_files import read_sql

log = logging.getLogger(__name__)

ValueRequest = DataRequest | OuDataRequest
PROGRESS_EVERY_SECONDS = 5.0
FLUSH_EVERY_SECONDS = 2.0


@dataclass(frozen=True)
class Slice:
    """What one request covers, and how its answer is applied."""

    slice_id: int
    route: Literal["data", "oudata"]
    path: str
    kpi_ids: tuple[str, ...]
    place_ids: tuple[str, ...] | None  # None: every municipality and group
    periods: tuple[int, ...]
    is_changes: bool  # a from_date answer: apply as changes, not as a replacement

    @classmethod
    def of(cls, slice_id: int, request: ValueRequest, is_changes: bool) -> Slice:
        if isinstance(request, OuDataRequest):
            return cls(
                slice_id, "oudata", request.path(), request.kpi_ids, request.ou_ids,
                request.years, is_changes,
            )  # fmt: skip
        return cls(
            slice_id, "data", request.path(), request.kpi_ids, request.municipality_ids,
            request.years, is_changes,
        )  # fmt: skip


@dataclass(frozen=True)
class SliceOutcome:
    values: int = 0  # values answered
    new_values: int = 0  # first seen
    revised_values: int = 0  # replaced an earlier value
    withdrawn_values: int = 0  # no longer answered, or marked deleted


@dataclass
class _StagedPages:
    request_url: str = ""
    page_urls: list[str] = field(default_factory=list)
    fetched_ats: list[datetime] = field(default_factory=list)
    record_counts: list[int] = field(default_factory=list)
    values: int = 0


class SuspiciousDropError(KoladaGoalsError):
    """A full answer holds far fewer values than are stored for its slice."""


# A slice whose answer shrinks below this share of its stored values is not replaced:
# an API fault is likelier than Kolada withdrawing most of a KPI at once.
MIN_KEPT_SHARE = 0.5
MIN_VALUES_FOR_DROP_CHECK = 20


class ValueWriter:
    """The single writer of value slices on one DuckDB connection."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, run_id: str, accept_drops: bool = False
    ) -> None:
        self.con = con
        self.run_id = run_id
        self.accept_drops = accept_drops
        self._pages: dict[int, _StagedPages] = {}
        self._in_transaction = False
        con.execute(read_sql("load/create_stage_value.sql"))

    def _begin(self) -> None:
        # Slices are applied in batches, one transaction each: a commit costs a WAL sync,
        # far more than applying a slice. A killed run loses only the open batch, whose
        # slices keep their earlier values and are fetched again by the next run.
        if not self._in_transaction:
            self.con.begin()
            self._in_transaction = True

    def flush(self) -> None:
        """Commit every slice applied since the last flush."""
        if self._in_transaction:
            self.con.commit()
            self._in_transaction = False

    def abort(self) -> None:
        """Roll back every slice applied since the last flush."""
        if self._in_transaction:
            self.con.rollback()
            self._in_transaction = False

    def stage(self, piece: Slice, page: Page, table: pa.Table) -> None:
        staged = self._pages.setdefault(piece.slice_id, _StagedPages(page.request_url))
        staged.page_urls.append(page.page_url)
        staged.fetched_ats.append(page.fetched_at)
        staged.record_counts.append(len(page.values))
        staged.values += table.num_rows
        if table.num_rows == 0:
            return
        self._begin()
        self.con.register("staged_page", table)
        try:
            self.con.execute(
                read_sql("load/insert_stage_page.sql"),
                {
                    "slice_id": piece.slice_id,
                    "request_url": page.request_url,
                    "fetched_at": page.fetched_at,
                },
            )
        finally:
            self.con.unregister("staged_page")

    def discard(self, piece: Slice) -> None:
        self._pages.pop(piece.slice_id, None)
        self._begin()
        self.con.execute(read_sql("load/delete_stage_slice.sql"), {"slice_id": piece.slice_id})

    def apply(self, piece: Slice) -> SliceOutcome:
        """Move a complete slice from the stage to raw_ and hist_ (or core_ou_) tables, in
        the open batch (see flush). Raises SuspiciousDropError, leaving the stored values of
        the slice untouched, when a full answer shrank sharply."""
        staged = self._pages.pop(piece.slice_id, _StagedPages())
        slice_params = {"slice_id": piece.slice_id}
        bounds = {
            "kpi_ids": list(piece.kpi_ids),
            "min_kpi_id": min(piece.kpi_ids),
            "max_kpi_id": max(piece.kpi_ids),
            "periods": list(piece.periods),
            "min_period": min(piece.periods),
            "max_period": max(piece.periods),
            "place_ids": None if piece.place_ids is None else list(piece.place_ids),
        }
        con = self.con
        self._begin()
        try:
            raw = "land_raw_ou_value" if piece.route == "oudata" else "land_raw_kpi_value"
            con.execute(read_sql(f"load/{raw}.sql"), {**slice_params, "run_id": self.run_id})
            if staged.page_urls:
                con.execute(
                    read_sql("load/land_raw_request.sql"),
                    {
                        "run_id": self.run_id,
                        "entity": piece.route,
                        "request_url": staged.request_url,
                        "page_urls": staged.page_urls,
                        "page_numbers": list(range(1, len(staged.page_urls) + 1)),
                        "fetched_ats": staged.fetched_ats,
                        "record_counts": staged.record_counts,
                    },
                )
            if piece.route == "oudata":
                outcome = self._replace_ou_values(piece, bounds, staged.values)
            else:
                outcome = self._record_history(piece, staged, bounds)
            con.execute(read_sql("load/delete_stage_slice.sql"), slice_params)
        except SuspiciousDropError:
            raise
        except BaseException:
            self.abort()
            raise
        return outcome

    def _replace_ou_values(
        self, piece: Slice, bounds: dict[str, object], values: int
    ) -> SliceOutcome:
        params = {"slice_id": piece.slice_id}
        if piece.is_changes:
            self.con.execute(read_sql("load/delete_ou_value_changes.sql"), params)
        else:
            self.con.execute(read_sql("load/delete_ou_value_slice.sql"), bounds)
        self.con.execute(read_sql("load/insert_ou_value_slice.sql"), params)
        return SliceOutcome(values=values)

    def _record_history(
        self, piece: Slice, staged: _StagedPages, bounds: dict[str, object]
    ) -> SliceOutcome:
        con = self.con
        if piece.is_changes:
            con.execute(read_sql("load/slice_change_incremental.sql"), {
                "slice_id": piece.slice_id,
                "kpi_ids": bounds["kpi_ids"],
                "min_kpi_id": bounds["min_kpi_id"],
                "max_kpi_id": bounds["max_kpi_id"],
            })  # fmt: skip
        else:
            con.execute(
                read_sql("load/slice_change_replacement.sql"),
                {"slice_id": piece.slice_id, **bounds},
            )
        counts = con.execute(
            read_sql("load/count_slice_change.sql"), {"slice_id": piece.slice_id}
        ).fetchone()
        answered, new, revised, withdrawn = (int(n or 0) for n in counts) if counts else (0,) * 4
        if not piece.is_changes and not self.accept_drops:
            # Every answered value that is not new was stored before, as was every withdrawn one.
            stored = answered - new + withdrawn
            if stored >= MIN_VALUES_FOR_DROP_CHECK and answered < stored * MIN_KEPT_SHARE:
                raise SuspiciousDropError(
                    f"answered {answered} values where {stored} are stored; kept the stored "
                    "values (re-run with --accept-drops if Kolada really withdrew them)"
                )
        changed_at = staged.fetched_ats[0] if staged.fetched_ats else datetime.now(UTC)
        con.execute(read_sql("load/close_hist_kpi_value.sql"), {"changed_at": changed_at})
        con.execute(
            read_sql("load/insert_hist_kpi_value.sql"),
            {"changed_at": changed_at, "run_id": self.run_id},
        )
        return SliceOutcome(staged.values, new, revised, withdrawn)


@dataclass(frozen=True)
class FailedSlice:
    path: str
    error: str
    kpi_ids: tuple[str, ...] = ()


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

    @property
    def values_per_second(self) -> float:
        return self.values / self.seconds if self.seconds else 0.0


class IngestFailedError(KoladaGoalsError):
    def __init__(self, result: ValueIngestResult) -> None:
        shown = "\n  ".join(f"{f.path}: {f.error}" for f in result.failed[:10])
        more = f"\n  … and {len(result.failed) - 10} more" if len(result.failed) > 10 else ""
        super().__init__(
            f"{len(result.failed)} of {result.requests} requests failed; their slices kept "
            f"the values stored before (the other {result.committed} were loaded):\n  "
            f"{shown}{more}"
        )
        self.result = result


@dataclass(frozen=True)
class _PageDone:
    piece: Slice
    page: Page
    table: pa.Table


@dataclass(frozen=True)
class _SliceDone:
    piece: Slice


@dataclass(frozen=True)
class _SliceFailed:
    piece: Slice
    error: BaseException


_Event = _PageDone | _SliceDone | _SliceFailed


async def _fetch_slices(
    client: KoladaClient,
    pending: asyncio.Queue[Slice],
    events: asyncio.Queue[_Event],
    since: date | None,
) -> None:
    params = from_date_param(since)
    while True:
        try:
            piece = pending.get_nowait()
        except asyncio.QueueEmpty:
            return
        requested = set(piece.kpi_ids)
        place: Literal["municipality", "ou"] = "ou" if piece.route == "oudata" else "municipality"
        try:
            async for page in client.iter_pages(piece.path, params):
                columns = flatten_page(page, place, requested, ValueColumns())
                await events.put(_PageDone(piece, page, columns.to_arrow()))
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
    pending: asyncio.Queue[Slice] = asyncio.Queue()
    for slice_id, request in enumerate(requests):
        pending.put_nowait(Slice.of(slice_id, request, is_changes=since is not None))
    workers = min(client.settings.max_concurrency, len(requests))
    # Bounded: fetching waits for the writer, so memory stays flat whatever the total.
    events: asyncio.Queue[_Event] = asyncio.Queue(maxsize=2 * workers)
    started = time.monotonic()
    writing_seconds = 0.0
    fetchers = [
        asyncio.create_task(_fetch_slices(client, pending, events, since)) for _ in range(workers)
    ]
    finished = 0
    last_report = last_flush = started
    try:
        while finished < len(requests):
            event = await events.get()
            write_started = time.monotonic()
            if isinstance(event, _PageDone):
                await asyncio.to_thread(writer.stage, event.piece, event.page, event.table)
                writing_seconds += time.monotonic() - write_started
                continue
            finished += 1
            if isinstance(event, _SliceDone):
                try:
                    outcome = await asyncio.to_thread(writer.apply, event.piece)
                except SuspiciousDropError as drop:
                    await asyncio.to_thread(writer.discard, event.piece)
                    result.failed.append(
                        FailedSlice(event.piece.path, str(drop), event.piece.kpi_ids)
                    )
                    log.error("slice kept as before: %s: %s", event.piece.path, drop)
                    continue
                result.values += outcome.values
                result.new_values += outcome.new_values
                result.revised_values += outcome.revised_values
                result.withdrawn_values += outcome.withdrawn_values
                result.committed += 1
            else:
                await asyncio.to_thread(writer.discard, event.piece)
                failure = FailedSlice(event.piece.path, str(event.error), event.piece.kpi_ids)
                result.failed.append(failure)
                log.error(
                    "request failed, slice kept as before: %s: %s", failure.path, failure.error
                )
            now = time.monotonic()
            if now - last_flush >= FLUSH_EVERY_SECONDS:
                await asyncio.to_thread(writer.flush)
                last_flush = time.monotonic()
            writing_seconds += now - write_started
            if now - last_report >= PROGRESS_EVERY_SECONDS or finished == len(requests):
                last_report = now
                log.info(
                    "values: %d/%d requests, %d values, %.0f values/s, %d failed",
                    finished,
                    len(requests),
                    result.values,
                    result.values / max(now - started, 1e-9),
                    len(result.failed),
                )
        await asyncio.to_thread(writer.flush)
    finally:
        for task in fetchers:
            task.cancel()
        await asyncio.gather(*fetchers, return_exceptions=True)
        writer.abort()  # only left open when something failed half way
    result.seconds = time.monotonic() - started
    log.info("values: %.1f s of %.1f s spent writing to DuckDB", writing_seconds, result.seconds)
    _record_failures(con, run_id, result.failed)
    if result.failed and raise_on_failure:
        raise IngestFailedError(result)
    return result


def _record_failures(
    con: duckdb.DuckDBPyConnection, run_id: str, failed: Sequence[FailedSlice]
) -> None:
    for failure in failed:
        con.execute(
            read_sql("load/insert_failed_request.sql"),
            {"run_id": run_id, "path": failure.path, "error": failure.error},
        )
