"""Fetch KPI values and stream them into DuckDB, request ("slice") by request.

Pages are kept in memory as they arrive; once every page of a request has arrived and passed
the checks, the slice waits for a batch of slices, whose rows then move to raw_ and hist_
tables together, each replacing exactly the slice its request covered. A request that fails
(after the client's retries) is discarded whole: the stored values of that slice stay as they
were, the failure is recorded in meta_failed_request, and ingest_values raises once every
other request is done.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from functools import cached_property, partial
from typing import Literal

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from kolada_goals.errors import KoladaGoalsError
from kolada_goals.extract.client import KoladaClient, Page, from_date_param
from kolada_goals.extract.planner import DataRequest, OuDataRequest
from kolada_goals.extract.records import VALUE_ARROW_SCHEMA, decode_value_page
from kolada_goals.sql_files import read_sql

log = logging.getLogger(__name__)

ValueRequest = DataRequest | OuDataRequest
PROGRESS_EVERY_SECONDS = 5.0
FLUSH_EVERY_SECONDS = 2.0
# Complete slices wait for a batch, which is applied together. A batch starts as soon as the
# writer is free and MIN_BATCH_VALUES wait, and at the latest at BATCH_VALUES (fetching then
# waits for the writer). Above DuckDB's row group size (122,880 rows) a batch is written
# straight to the database file, compressed, instead of through the write-ahead log.
MIN_BATCH_VALUES = 25_000
BATCH_VALUES = 150_000
# Batches are committed together once the open transaction holds COMMIT_VALUES values (or
# has been open COMMIT_EVERY_SECONDS). The larger a commit, the less it costs per value:
# from a few hundred thousand values DuckDB writes the rows straight to the database file,
# while small commits go through the write-ahead log and are written again at the next
# checkpoint. DuckDB keeps the uncommitted rows within its memory limit.
COMMIT_VALUES = 500_000
COMMIT_EVERY_SECONDS = 60.0


@dataclass(frozen=True)
class Slice:
    """What one request covers, and how its answer is applied."""

    slice_id: int
    route: Literal["data", "oudata"]
    path: str
    kpi_ids: tuple[str, ...]
    place_ids: tuple[str, ...] | None  # None: every place answered
    periods: tuple[int, ...]
    is_changes: bool  # a from_date answer: apply as changes, not as a replacement

    @cached_property
    def _kpi_set(self) -> frozenset[str]:
        return frozenset(self.kpi_ids)

    @cached_property
    def _period_set(self) -> frozenset[int]:
        return frozenset(self.periods)

    @cached_property
    def _place_set(self) -> frozenset[str]:
        return frozenset(self.place_ids or ())

    def overlaps(self, other: Slice) -> bool:
        """Both slices cover some (KPI, place, period)."""
        return (
            not self._kpi_set.isdisjoint(other.kpi_ids)
            and not self._period_set.isdisjoint(other.periods)
            and (
                self.place_ids is None
                or other.place_ids is None
                or not self._place_set.isdisjoint(other.place_ids)
            )
        )

    @classmethod
    def of(cls, slice_id: int, request: ValueRequest, is_changes: bool) -> Slice:
        if isinstance(request, OuDataRequest):
            return cls(
                slice_id, "oudata", request.path(), request.kpi_ids, request.ou_ids,
                request.years, is_changes,
            )  # fmt: skip
        return cls(
            slice_id, "data", request.path(), request.kpi_ids, request.stored_places,
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
    request_id: int = 0
    page_urls: list[str] = field(default_factory=list)
    fetched_ats: list[datetime] = field(default_factory=list)
    record_counts: list[int] = field(default_factory=list)
    values: int = 0
    withdrawn: int = 0  # values marked isdeleted
    tables: list[pa.Table] = field(default_factory=list)  # pages as STAGE_SCHEMA rows


# The rows of the pages of complete slices, as the SQL of sql/load reads them (stage_value).
STAGE_SCHEMA = pa.schema(
    [
        ("slice_id", pa.int32()),
        ("request_id", pa.int64()),
        ("page_number", pa.int32()),
        ("fetched_at", pa.timestamp("us", tz="UTC")),
        *VALUE_ARROW_SCHEMA,
    ]
)


def request_id(request_url: str) -> int:
    """A stable 63-bit number for a request URL: raw value rows name their request by it
    rather than repeating a URL of hundreds of characters on every value."""
    digest = hashlib.blake2b(request_url.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def _release_arrow_memory() -> None:
    """Arrow keeps freed buffers for reuse; hand them back once a batch is applied, so that
    memory stays flat."""
    pa.default_memory_pool().release_unused()


def _repeat(value: object, type_: pa.DataType, rows: int) -> pa.Array:
    """A column of `rows` copies of `value`, made in C++: from a Python list it costs as much
    as decoding the page."""
    return pa.repeat(pa.scalar(value, type_), rows)


class SuspiciousDropError(KoladaGoalsError):
    """A full answer holds far fewer values than are stored for its slice."""


# A slice whose answer shrinks below this share of its stored values is not replaced:
# an API fault is likelier than Kolada withdrawing most of a KPI at once.
MIN_KEPT_SHARE = 0.5
MIN_VALUES_FOR_DROP_CHECK = 20


class ValueWriter:
    """The single writer of value slices on one DuckDB connection.

    Pages are kept in memory as they arrive (stage). A complete slice waits (complete) until
    the batch is applied (apply_ready): its rows are then shown to DuckDB as the relation
    stage_value, and every statement runs once for all waiting slices, which costs far less
    than once per slice. write applies a batch and commits when the open transaction is big
    enough (COMMIT_VALUES); flush applies and commits. Both may run on another thread while
    pages are staged, once the batch has been taken (take_ready) on the staging one. Memory
    stays bounded: slices wait only until BATCH_VALUES values are staged, and DuckDB keeps
    uncommitted rows within its memory limit."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, run_id: str, accept_drops: bool = False
    ) -> None:
        self.con = con
        self.run_id = run_id
        self.accept_drops = accept_drops
        self._pages: dict[int, _StagedPages] = {}
        self._ready: list[tuple[Slice, _StagedPages]] = []
        self._in_transaction = False
        self._transaction_values = 0
        self._transaction_started = 0.0
        # What tells a first load (nothing stored in the scope of a batch) without comparing
        # with history: the KPIs met so far, those of them that had history rows then, and
        # the slices applied so far, by KPI.
        self._kpis_met: set[str] = set()
        self._kpis_with_history: set[str] = set()
        self._applied: dict[str, list[Slice]] = {}

    @property
    def ready_values(self) -> int:
        """Values staged for slices waiting to be applied."""
        return sum(staged.values for _, staged in self._ready)

    def _begin(self) -> None:
        # Batches of slices share a transaction (see COMMIT_VALUES). A killed run loses only
        # the batches of the open transaction, whose slices keep their earlier values and
        # are fetched again by the next run.
        if not self._in_transaction:
            self.con.begin()
            self._in_transaction = True
            self._transaction_values = 0
            self._transaction_started = time.monotonic()

    def take_ready(self) -> list[tuple[Slice, _StagedPages]]:
        """The complete slices waiting to be applied, which no longer wait."""
        ready, self._ready = self._ready, []
        return ready

    def flush(
        self, ready: list[tuple[Slice, _StagedPages]] | None = None
    ) -> list[tuple[Slice, SliceOutcome | SuspiciousDropError]]:
        """Apply `ready` (by default every waiting slice) and commit everything applied since
        the last commit."""
        results = self.apply_ready(self.take_ready() if ready is None else ready)
        self._commit()
        return results

    def write(
        self, ready: list[tuple[Slice, _StagedPages]]
    ) -> list[tuple[Slice, SliceOutcome | SuspiciousDropError]]:
        """Apply `ready`; commit when the open transaction holds COMMIT_VALUES values or has
        been open COMMIT_EVERY_SECONDS."""
        results = self.apply_ready(ready)
        if self._in_transaction and (
            self._transaction_values >= COMMIT_VALUES
            or time.monotonic() - self._transaction_started >= COMMIT_EVERY_SECONDS
        ):
            self._commit()
        else:
            _release_arrow_memory()
        return results

    def _commit(self) -> None:
        if self._in_transaction:
            self.con.commit()
            self._in_transaction = False
        _release_arrow_memory()

    def abort(self) -> None:
        """Roll back every slice applied since the last commit; forget waiting slices. Never
        while a write runs on another thread."""
        self._ready.clear()
        if self._in_transaction:
            self.con.rollback()
            self._in_transaction = False

    def stage(self, piece: Slice, page: Page[pa.Table]) -> None:
        table = page.values
        staged = self._pages.get(piece.slice_id)
        if staged is None:
            staged = self._pages[piece.slice_id] = _StagedPages(
                page.request_url, request_id(page.request_url)
            )
        staged.page_urls.append(page.page_url)
        staged.fetched_ats.append(page.fetched_at)
        staged.record_counts.append(page.record_count)
        staged.values += table.num_rows
        staged.withdrawn += pc.sum(table.column("is_deleted")).as_py() or 0
        if table.num_rows:
            rows = table.num_rows
            staged.tables.append(
                pa.table(
                    [
                        _repeat(piece.slice_id, pa.int32(), rows),
                        _repeat(staged.request_id, pa.int64(), rows),
                        _repeat(page.page_number, pa.int32(), rows),
                        _repeat(page.fetched_at, pa.timestamp("us", tz="UTC"), rows),
                        *table.columns,
                    ],
                    schema=STAGE_SCHEMA,
                )
            )

    def discard(self, piece: Slice) -> None:
        self._pages.pop(piece.slice_id, None)

    def complete(self, piece: Slice) -> None:
        """Every page of `piece` is staged: it waits for the next apply_ready."""
        self._ready.append((piece, self._pages.pop(piece.slice_id, _StagedPages())))

    def apply(self, piece: Slice) -> SliceOutcome:
        """Complete and apply one slice at once. Raises SuspiciousDropError, leaving the
        stored values of the slice untouched, when a full answer shrank sharply."""
        self.complete(piece)
        [(_, outcome)] = self.apply_ready(self.take_ready())
        if isinstance(outcome, SuspiciousDropError):
            raise outcome
        return outcome

    def apply_ready(
        self, ready: list[tuple[Slice, _StagedPages]]
    ) -> list[tuple[Slice, SliceOutcome | SuspiciousDropError]]:
        """Move the slices of `ready` from the stage to raw_ and hist_ (or core_ou_) tables,
        in the open transaction. A slice whose full answer shrank sharply is left out, its
        stored values untouched, and reported with a SuspiciousDropError."""
        if not ready:
            return []
        self._begin()
        self._transaction_values += sum(staged.values for _, staged in ready)
        try:
            results: list[tuple[Slice, SliceOutcome | SuspiciousDropError]] = []
            data = [(piece, staged) for piece, staged in ready if piece.route == "data"]
            if data:
                results.extend(self._apply_data(data))
            for piece, staged in ready:
                if piece.route == "oudata":
                    self._show_stage([(piece, staged)])
                    results.append((piece, self._apply_ou(piece, staged)))
        except BaseException:
            self.abort()
            raise
        finally:
            self.con.unregister("stage_value")  # a no-op when nothing was shown
        return results

    def _show_stage(self, ready: Sequence[tuple[Slice, _StagedPages]]) -> None:
        """Show the rows of `ready` to DuckDB as the relation stage_value."""
        tables = [table for _, staged in ready for table in staged.tables]
        self.con.register(
            "stage_value", pa.concat_tables(tables) if tables else STAGE_SCHEMA.empty_table()
        )

    def _register_ready(self, ready: Sequence[tuple[Slice, _StagedPages]]) -> None:
        """Show the slices of the batch to DuckDB as ready_slice."""
        now = datetime.now(UTC)
        self.con.register(
            "ready_slice",
            pa.table(
                {
                    "slice_id": pa.array([p.slice_id for p, _ in ready], pa.int32()),
                    "changed_at": pa.array(
                        [s.fetched_ats[0] if s.fetched_ats else now for _, s in ready],
                        pa.timestamp("us", tz="UTC"),
                    ),
                    "kpi_ids": pa.array([p.kpi_ids for p, _ in ready], pa.list_(pa.string())),
                    "periods": pa.array([p.periods for p, _ in ready], pa.list_(pa.int32())),
                    "place_ids": pa.array([p.place_ids for p, _ in ready], pa.list_(pa.string())),
                }
            ),
        )

    def _land_requests(self, entity: str, ready: Sequence[tuple[Slice, _StagedPages]]) -> None:
        pages = [
            (staged.request_id, staged.request_url, url, number, fetched_at, records)
            for _, staged in ready
            for number, (url, fetched_at, records) in enumerate(
                zip(staged.page_urls, staged.fetched_ats, staged.record_counts, strict=True),
                start=1,
            )
        ]
        if not pages:
            return
        columns = list(zip(*pages, strict=True))
        self.con.register(
            "ready_page",
            pa.table(
                {
                    "request_id": pa.array(columns[0], pa.int64()),
                    "request_url": pa.array(columns[1], pa.string()),
                    "page_url": pa.array(columns[2], pa.string()),
                    "page_number": pa.array(columns[3], pa.int32()),
                    "fetched_at": pa.array(columns[4], pa.timestamp("us", tz="UTC")),
                    "record_count": pa.array(columns[5], pa.int32()),
                }
            ),
        )
        try:
            self.con.execute(
                read_sql("load/raw/land_raw_request.sql"), {"run_id": self.run_id, "entity": entity}
            )
        finally:
            self.con.unregister("ready_page")

    def _apply_data(
        self, ready: list[tuple[Slice, _StagedPages]]
    ) -> list[tuple[Slice, SliceOutcome | SuspiciousDropError]]:
        con = self.con
        self._register_ready(ready)
        self._show_stage(ready)
        try:
            changes = any(piece.is_changes for piece, _ in ready)
            if not changes and self._is_first_load(ready):
                return self._apply_first_values(ready)
            kind = "incremental" if changes else "replacement"
            # What the slices cover, made by DuckDB: the product can run to millions.
            con.execute(read_sql("load/hist/ready_scope.sql"))
            con.execute(read_sql(f"load/hist/slice_change_{kind}.sql"))
            counts = {
                int(row[0]): tuple(int(n or 0) for n in row[1:])
                for row in con.execute(read_sql("load/hist/count_slice_change.sql")).fetchall()
            }
            results: list[tuple[Slice, SliceOutcome | SuspiciousDropError]] = []
            refused: list[int] = []
            for piece, staged in ready:
                answered, new, revised, withdrawn = counts.get(piece.slice_id, (0, 0, 0, 0))
                drop = None if changes else self._drop(answered, new, withdrawn)
                if drop is not None:
                    refused.append(piece.slice_id)
                    results.append((piece, drop))
                else:
                    results.append((piece, SliceOutcome(staged.values, new, revised, withdrawn)))
            accepted = [(p, s) for p, s in ready if p.slice_id not in refused]
            if refused:
                con.execute(read_sql("load/hist/drop_slice_changes.sql"), {"slice_ids": refused})
                self._show_stage(accepted)
            con.execute(read_sql("load/raw/land_raw_kpi_value.sql"), {"run_id": self.run_id})
            self._land_requests("data", accepted)
            con.execute(read_sql("load/hist/close_hist_kpi_value.sql"))
            con.execute(read_sql("load/hist/insert_hist_kpi_value.sql"), {"run_id": self.run_id})
        finally:
            con.unregister("ready_slice")
            for piece, _ in ready:
                for kpi_id in piece.kpi_ids:
                    self._applied.setdefault(kpi_id, []).append(piece)
        return results

    def _is_first_load(self, ready: Sequence[tuple[Slice, _StagedPages]]) -> bool:
        """Nothing is stored in the scope of the batch: none of its KPIs had history rows
        when the writer first met it, and no slice the writer applied overlaps it (nor do
        the slices of the batch overlap each other)."""
        new_kpis = {kpi for piece, _ in ready for kpi in piece.kpi_ids} - self._kpis_met
        if new_kpis:
            rows = self.con.execute(
                read_sql("load/hist/kpis_with_open_history.sql"), {"kpi_ids": sorted(new_kpis)}
            ).fetchall()
            self._kpis_with_history.update(str(kpi_id) for (kpi_id,) in rows)
            self._kpis_met |= new_kpis
        batch: dict[str, list[Slice]] = {}
        for piece, _ in ready:
            if not self._kpis_with_history.isdisjoint(piece.kpi_ids):
                return False
            earlier = {
                id(other): other
                for kpi_id in piece.kpi_ids
                for applied in (self._applied, batch)
                for other in applied.get(kpi_id, ())
            }
            if any(piece.overlaps(other) for other in earlier.values()):
                return False
            for kpi_id in piece.kpi_ids:
                batch.setdefault(kpi_id, []).append(piece)
        return True

    def _apply_first_values(
        self, ready: list[tuple[Slice, _StagedPages]]
    ) -> list[tuple[Slice, SliceOutcome | SuspiciousDropError]]:
        """Nothing is stored in the scope of the batch (a first load): every answered value is
        new, so nothing needs comparing with history (a third of the work of a batch)."""
        con = self.con
        con.execute(read_sql("load/raw/land_raw_kpi_value.sql"), {"run_id": self.run_id})
        self._land_requests("data", ready)
        con.execute(read_sql("load/hist/insert_first_hist_kpi_value.sql"), {"run_id": self.run_id})
        return [
            (piece, SliceOutcome(staged.values, new_values=staged.values - staged.withdrawn))
            for piece, staged in ready
        ]

    def _drop(self, answered: int, new: int, withdrawn: int) -> SuspiciousDropError | None:
        if self.accept_drops:
            return None
        # Every answered value that is not new was stored before, as was every withdrawn one.
        stored = answered - new + withdrawn
        if stored >= MIN_VALUES_FOR_DROP_CHECK and answered < stored * MIN_KEPT_SHARE:
            return SuspiciousDropError(
                f"answered {answered} values where {stored} are stored; kept the stored "
                "values (re-run with --accept-drops if Kolada really withdrew them)"
            )
        return None

    def _apply_ou(self, piece: Slice, staged: _StagedPages) -> SliceOutcome:
        params = {"slice_id": piece.slice_id}
        con = self.con
        con.execute(read_sql("load/raw/land_raw_ou_value.sql"), {**params, "run_id": self.run_id})
        self._land_requests("oudata", [(piece, staged)])
        if piece.is_changes:
            con.execute(read_sql("load/core/delete_ou_value_changes.sql"), params)
        else:
            con.execute(
                read_sql("load/core/delete_ou_value_slice.sql"),
                {
                    "kpi_ids": list(piece.kpi_ids),
                    "min_kpi_id": min(piece.kpi_ids),
                    "max_kpi_id": max(piece.kpi_ids),
                    "periods": list(piece.periods),
                    "min_period": min(piece.periods),
                    "max_period": max(piece.periods),
                    "place_ids": None if piece.place_ids is None else list(piece.place_ids),
                },
            )
        con.execute(read_sql("load/core/insert_ou_value_slice.sql"), params)
        return SliceOutcome(values=staged.values)


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

    async def write(ready: list[tuple[Slice, _StagedPages]], last: bool) -> None:
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
                writer.discard(event.piece)
                failure = FailedSlice(event.piece.path, str(event.error), event.piece.kpi_ids)
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


def _record_failures(
    con: duckdb.DuckDBPyConnection, run_id: str, failed: Sequence[FailedSlice]
) -> None:
    for failure in failed:
        con.execute(
            read_sql("load/meta/insert_failed_request.sql"),
            {"run_id": run_id, "path": failure.path, "error": failure.error},
        )
