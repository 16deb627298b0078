"""Replay runs from raw_: the catalogue, the value history and unit values built again from
what was landed, through the same shaping, validation and SQL models, without the network."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import orjson
import pyarrow.compute as pc

from kolada_goals.errors import KoladaGoalsError
from kolada_goals.extract.client import Page
from kolada_goals.extract.records import VALUE_ARROW_SCHEMA
from kolada_goals.load.metadata import MetadataBatch, apply_catalogue, catalogue_tables
from kolada_goals.load.value_writer import (
    BATCH_VALUES,
    Slice,
    SliceOutcome,
    SuspiciousDropError,
    ValueWriter,
)
from kolada_goals.sql_files import read_sql, sql_statements

log = logging.getLogger(__name__)


class ReplayError(KoladaGoalsError):
    """The run asked for cannot be replayed."""


@dataclass
class ReplaySummary:
    runs: int = 0
    catalogue_lists: int = 0
    requests: int = 0
    values: int = 0


def replay_up_to(con: duckdb.DuckDBPyConnection, run_id: str) -> ReplaySummary:
    """Build the catalogue, hist_kpi_value and core_ou_value again from the raw rows of every
    succeeded run up to `run_id`, in the order they ran. Exact for the runs whose raw rows
    are still kept (raw retention)."""
    status = con.execute(read_sql("load/replay/run_to_replay.sql"), {"run_id": run_id}).fetchone()
    if status is None:
        raise ReplayError(
            f"no run {run_id!r} in meta_run; `select run_id from meta_run` lists the runs"
        )
    if status[0] != "succeeded":
        raise ReplayError(f"run {run_id} {status[0]}: only a succeeded run can be replayed")
    listed = con.execute(read_sql("load/replay/replayed_runs.sql"), {"run_id": run_id})
    runs = [str(row[0]) for row in listed.fetchall()]
    # Not one transaction: a replay writes a run's staging copy, which a failure discards.
    summary = ReplaySummary()
    for statement in sql_statements("load/replay/clear_built_tables.sql"):
        con.execute(statement)
    for replayed in runs:
        summary.runs += 1
        summary.catalogue_lists += _replay_catalogue(con, replayed)
        requests, values = _replay_values(con, replayed)
        summary.requests += requests
        summary.values += values
        log.info("replayed run %s: %d requests, %d values", replayed, requests, values)
    return summary


def _replay_catalogue(con: duckdb.DuckDBPyConnection, run_id: str) -> int:
    """Apply each metadata list that changed in the run, as the run saw it."""
    fetches = con.execute(
        read_sql("load/replay/metadata_fetches_of_run.sql"), {"run_id": run_id}
    ).fetchall()
    for entity, request_url, fetched_at in fetches:
        rows = con.execute(
            read_sql("load/replay/metadata_records_as_of.sql"),
            {"entity": entity, "run_id": run_id},
        ).fetchall()
        records = [orjson.loads(record) for (record,) in rows]
        batch = MetadataBatch(run_id, str(entity), str(request_url), fetched_at, records)
        apply_catalogue(con, batch, catalogue_tables(batch))
    return len(fetches)


def _replay_values(con: duckdb.DuckDBPyConnection, run_id: str) -> tuple[int, int]:
    """Apply the run's value answers, request by request, as the run applied them."""
    writer = ValueWriter(con, run_id, accept_drops=True, land_raw=False)
    requests = con.execute(
        read_sql("load/replay/requests_of_run.sql"), {"run_id": run_id}
    ).fetchall()
    values = 0
    waiting: list[Slice] = []
    for slice_id, (
        request_id,
        route,
        request_url,
        kpi_ids,
        place_ids,
        periods,
        is_changes,
    ) in enumerate(requests):
        piece = Slice(
            slice_id, "oudata" if route == "oudata" else "data", str(request_url), tuple(kpi_ids),
            None if place_ids is None else tuple(place_ids), tuple(periods), bool(is_changes),
        )  # fmt: skip
        # An answer that overlaps one waiting was applied after it (a sample request goes
        # first): it waits for a batch of its own, or it would be compared with the same
        # history as the other.
        if any(piece.overlaps(other) for other in waiting):
            _applied(writer.write(writer.take_ready()))
            waiting = []
        waiting.append(piece)
        params = {"run_id": run_id, "request_id": request_id}
        rows = con.execute(read_sql(f"load/replay/values_of_{route}_request.sql"), params)
        table = rows.to_arrow_table()
        pages = con.execute(read_sql("load/replay/pages_of_request.sql"), params).fetchall()
        for page_url, page_number, fetched_at, record_count in pages:
            page_rows = table.filter(pc.equal(table["page_number"], page_number))
            page_values = page_rows.drop_columns(["page_number"]).cast(VALUE_ARROW_SCHEMA)
            writer.stage(
                piece,
                Page(str(request_url), str(page_url), int(page_number), page_values,
                     int(record_count or 0), fetched_at),
            )  # fmt: skip
            values += page_values.num_rows
        writer.complete(piece)
        if writer.ready_values >= BATCH_VALUES:
            _applied(writer.write(writer.take_ready()))
            waiting = []
    _applied(writer.flush())
    return len(requests), values


def _applied(results: Sequence[tuple[Slice, SliceOutcome | SuspiciousDropError]]) -> None:
    for piece, outcome in results:
        if isinstance(outcome, SuspiciousDropError):  # not with accept_drops; kept for types
            raise ReplayError(f"{piece.path}: {outcome}")
