"""The raw landing: every page as it was fetched, refused ones with their body, and retention."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import duckdb
import pyarrow as pa

from kolada_goals.errors import KoladaError
from kolada_goals.sql_files import parameters_used, read_sql, sql_statements

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LandedPage:
    """One row of raw_page (without the run and entity, which the landing adds)."""

    request_id: int
    request_url: str
    page_url: str
    page_number: int
    fetched_at: datetime
    record_count: int | None
    error: str | None = None
    body: str | None = None


def page_table(pages: Sequence[LandedPage]) -> pa.Table:
    """Pages as land_raw_page.sql reads them (ready_page)."""
    return pa.table(
        {
            "request_id": pa.array([p.request_id for p in pages], pa.int64()),
            "request_url": pa.array([p.request_url for p in pages], pa.string()),
            "page_url": pa.array([p.page_url for p in pages], pa.string()),
            "page_number": pa.array([p.page_number for p in pages], pa.int32()),
            "fetched_at": pa.array([p.fetched_at for p in pages], pa.timestamp("us", tz="UTC")),
            "record_count": pa.array([p.record_count for p in pages], pa.int32()),
            "error": pa.array([p.error for p in pages], pa.string()),
            "body": pa.array([p.body for p in pages], pa.string()),
        }
    )


def land_pages(
    con: duckdb.DuckDBPyConnection, run_id: str, entity: str, pages: Sequence[LandedPage]
) -> None:
    """Land pages of one entity in raw_page."""
    if not pages:
        return
    con.register("ready_page", page_table(pages))
    try:
        con.execute(read_sql("load/raw/land_raw_page.sql"), {"run_id": run_id, "entity": entity})
    finally:
        con.unregister("ready_page")


def refused_page(error: KoladaError, request_id: int) -> LandedPage | None:
    """The page an error refused, when the error came with the page's body (a page that
    answered but broke Kolada's shape, or an HTTP error with its body); None otherwise."""
    if error.body is None or error.fetched_at is None:
        return None
    return LandedPage(
        request_id,
        error.request_url or error.url,
        error.url,
        error.page_number or 1,
        error.fetched_at,
        None,
        str(error),
        error.body.decode("utf-8", errors="replace"),
    )


def refused_pages(con: duckdb.DuckDBPyConnection, run_id: str) -> pa.Table:
    """The run's refused pages (raw_page rows with an error), to keep them where the failed
    run's other rows are not kept."""
    sql = read_sql("load/raw/refused_pages_of_run.sql")
    return con.execute(sql, {"run_id": run_id}).to_arrow_table()


def keep_refused_pages(con: duckdb.DuckDBPyConnection, pages: pa.Table) -> None:
    """Write rows of refused_pages (from another database) as they were."""
    if pages.num_rows == 0:
        return
    con.register("kept_page", pages)
    try:
        con.execute(read_sql("load/raw/keep_refused_pages.sql"))
    finally:
        con.unregister("kept_page")


def prune_raw(con: duckdb.DuckDBPyConnection, keep_days: int, now: datetime | None = None) -> int:
    """Delete raw landing rows older than `keep_days` (0 keeps everything); returns rows
    deleted. Values themselves stay in hist_kpi_value."""
    if keep_days <= 0:
        return 0
    cutoff = (now or datetime.now(UTC)) - timedelta(days=keep_days)
    deleted = 0
    for statement in sql_statements("load/raw/prune_raw.sql"):
        row = con.execute(statement, parameters_used(statement, {"cutoff": cutoff})).fetchone()
        deleted += int(row[0]) if row else 0
    if deleted:
        log.info("raw landing: %d row(s) older than %d days removed", deleted, keep_days)
    return deleted
