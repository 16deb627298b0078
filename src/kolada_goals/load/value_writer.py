"""The single writer of value answers: raw_ first, then hist_ (or core_ou_value) from them.

A request's answer is a slice: the (KPI, place, period) it covered. Once every page of a
slice has arrived, it waits for a batch; a batch lands raw first (its requests in
raw_request, its pages in raw_page, every value in raw_kpi_value or raw_ou_value, unchanged),
and then the SQL models of sql/load/hist/ build the history from those rows, each slice
replacing exactly what it covered (or applying changes, for a from_date answer). A slice
refused after landing (a full answer that shrank sharply) keeps its raw rows, its pages
marked with the reason, and the stored values of the slice stay as they were.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Literal

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from kolada_goals.errors import KoladaGoalsError
from kolada_goals.extract.client import Page
from kolada_goals.extract.planner import DataRequest, OuDataRequest
from kolada_goals.extract.records import VALUE_ARROW_SCHEMA
from kolada_goals.load import raw
from kolada_goals.sql_files import read_sql
from kolada_goals.transactions import in_run_transaction

log = logging.getLogger(__name__)

ValueRequest = DataRequest | OuDataRequest
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
class StagedPages:
    request_url: str = ""
    request_id: int = 0
    page_urls: list[str] = field(default_factory=list)
    fetched_ats: list[datetime] = field(default_factory=list)
    record_counts: list[int] = field(default_factory=list)
    values: int = 0
    withdrawn: int = 0  # values marked isdeleted
    tables: list[pa.Table] = field(default_factory=list)  # pages as STAGE_SCHEMA rows

    def pages(self) -> list[raw.LandedPage]:
        return [
            raw.LandedPage(self.request_id, self.request_url, url, number, fetched_at, records)
            for number, (url, fetched_at, records) in enumerate(
                zip(self.page_urls, self.fetched_ats, self.record_counts, strict=True), start=1
            )
        ]


def _request_table(route: str, ready: Sequence[tuple[Slice, StagedPages]]) -> pa.Table:
    """The requests of a batch, as land_raw_request.sql reads them (ready_request)."""
    return pa.table(
        {
            "request_id": pa.array([staged.request_id for _, staged in ready], pa.int64()),
            "entity": pa.array([route] * len(ready), pa.string()),
            "request_url": pa.array([staged.request_url for _, staged in ready], pa.string()),
            "kpi_ids": pa.array([p.kpi_ids for p, _ in ready], pa.list_(pa.string())),
            "place_ids": pa.array([p.place_ids for p, _ in ready], pa.list_(pa.string())),
            "periods": pa.array([p.periods for p, _ in ready], pa.list_(pa.int32())),
            "is_changes": pa.array([p.is_changes for p, _ in ready], pa.bool_()),
        }
    )


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
        self,
        con: duckdb.DuckDBPyConnection,
        run_id: str,
        accept_drops: bool = False,
        land_raw: bool = True,
    ) -> None:
        self.con = con
        self.run_id = run_id
        self.accept_drops = accept_drops
        self.land_raw = land_raw  # False when replaying rows that are raw_ already
        # In a run's own transaction (on a lake) batches are not committed on their own.
        self._commits = not in_run_transaction(con)
        self._pages: dict[int, StagedPages] = {}
        self._ready: list[tuple[Slice, StagedPages]] = []
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
            if self._commits:
                self.con.begin()
            self._in_transaction = True
            self._transaction_values = 0
            self._transaction_started = time.monotonic()

    def take_ready(self) -> list[tuple[Slice, StagedPages]]:
        """The complete slices waiting to be applied, which no longer wait."""
        ready, self._ready = self._ready, []
        return ready

    def flush(
        self, ready: list[tuple[Slice, StagedPages]] | None = None
    ) -> list[tuple[Slice, SliceOutcome | SuspiciousDropError]]:
        """Apply `ready` (by default every waiting slice) and commit everything applied since
        the last commit."""
        results = self.apply_ready(self.take_ready() if ready is None else ready)
        self._commit()
        return results

    def write(
        self, ready: list[tuple[Slice, StagedPages]]
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
            if self._commits:
                self.con.commit()
            self._in_transaction = False
        _release_arrow_memory()

    def abort(self) -> None:
        """Roll back every slice applied since the last commit; forget waiting slices. Never
        while a write runs on another thread."""
        self._ready.clear()
        if self._in_transaction:
            if self._commits:  # else the run rolls its own transaction back
                self.con.rollback()
            self._in_transaction = False

    def stage(self, piece: Slice, page: Page[pa.Table]) -> None:
        table = page.values
        staged = self._pages.get(piece.slice_id)
        if staged is None:
            staged = self._pages[piece.slice_id] = StagedPages(
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

    def discard(self, piece: Slice) -> StagedPages | None:
        """Forget the staged pages of a failed slice; returns them."""
        return self._pages.pop(piece.slice_id, None)

    def complete(self, piece: Slice) -> None:
        """Every page of `piece` is staged: it waits for the next apply_ready."""
        self._ready.append((piece, self._pages.pop(piece.slice_id, StagedPages())))

    def apply(self, piece: Slice) -> SliceOutcome:
        """Complete and apply one slice at once. Raises SuspiciousDropError, leaving the
        stored values of the slice untouched, when a full answer shrank sharply."""
        self.complete(piece)
        [(_, outcome)] = self.apply_ready(self.take_ready())
        if isinstance(outcome, SuspiciousDropError):
            raise outcome
        return outcome

    def apply_ready(
        self, ready: list[tuple[Slice, StagedPages]]
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

    def _show_stage(self, ready: Sequence[tuple[Slice, StagedPages]]) -> None:
        """Show the rows of `ready` to DuckDB as the relation stage_value."""
        tables = [table for _, staged in ready for table in staged.tables]
        self.con.register(
            "stage_value", pa.concat_tables(tables) if tables else STAGE_SCHEMA.empty_table()
        )

    def _register_ready(self, ready: Sequence[tuple[Slice, StagedPages]]) -> None:
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

    def _land_raw(self, route: str, ready: Sequence[tuple[Slice, StagedPages]]) -> None:
        """Land the batch as it was answered, before anything is compared or refused: its
        requests, its pages and every value (stage_value, shown by the caller)."""
        if not self.land_raw:
            return
        con = self.con
        params = {"run_id": self.run_id, "entity": route}
        con.register("ready_request", _request_table(route, ready))
        pages = [page for _, staged in ready for page in staged.pages()]
        con.register("ready_page", raw.page_table(pages))
        try:
            con.execute(read_sql("load/raw/land_raw_request.sql"), {"run_id": self.run_id})
            con.execute(read_sql("load/raw/land_raw_page.sql"), params)
        finally:
            con.unregister("ready_request")
            con.unregister("ready_page")
        values = "land_raw_ou_value" if route == "oudata" else "land_raw_kpi_value"
        con.execute(read_sql(f"load/raw/{values}.sql"), {"run_id": self.run_id})

    def _refuse(self, refused: Sequence[tuple[StagedPages, SuspiciousDropError]]) -> None:
        """Mark the landed pages of slices refused after landing with the reason."""
        for staged, error in refused:
            self.con.execute(
                read_sql("load/raw/refuse_raw_pages.sql"),
                {"run_id": self.run_id, "request_id": staged.request_id, "error": str(error)},
            )

    def _apply_data(
        self, ready: list[tuple[Slice, StagedPages]]
    ) -> list[tuple[Slice, SliceOutcome | SuspiciousDropError]]:
        con = self.con
        self._register_ready(ready)
        self._show_stage(ready)
        try:
            self._land_raw("data", ready)
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
            refused: list[tuple[Slice, StagedPages, SuspiciousDropError]] = []
            for piece, staged in ready:
                answered, new, revised, withdrawn = counts.get(piece.slice_id, (0, 0, 0, 0))
                drop = None if changes else self._drop(answered, new, withdrawn)
                if drop is not None:
                    refused.append((piece, staged, drop))
                    results.append((piece, drop))
                else:
                    results.append((piece, SliceOutcome(staged.values, new, revised, withdrawn)))
            if refused:
                slice_ids = [piece.slice_id for piece, _, _ in refused]
                con.execute(read_sql("load/hist/drop_slice_changes.sql"), {"slice_ids": slice_ids})
                self._refuse([(staged, error) for _, staged, error in refused])
            con.execute(read_sql("load/hist/close_hist_kpi_value.sql"))
            con.execute(read_sql("load/hist/insert_hist_kpi_value.sql"), {"run_id": self.run_id})
        finally:
            con.unregister("ready_slice")
            for piece, _ in ready:
                for kpi_id in piece.kpi_ids:
                    self._applied.setdefault(kpi_id, []).append(piece)
        return results

    def _is_first_load(self, ready: Sequence[tuple[Slice, StagedPages]]) -> bool:
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
        self, ready: list[tuple[Slice, StagedPages]]
    ) -> list[tuple[Slice, SliceOutcome | SuspiciousDropError]]:
        """Nothing is stored in the scope of the batch (a first load): every answered value is
        new, so nothing needs comparing with history (a third of the work of a batch)."""
        self.con.execute(
            read_sql("load/hist/insert_first_hist_kpi_value.sql"), {"run_id": self.run_id}
        )
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

    def _apply_ou(self, piece: Slice, staged: StagedPages) -> SliceOutcome:
        params = {"slice_id": piece.slice_id}
        con = self.con
        self._land_raw("oudata", [(piece, staged)])
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
