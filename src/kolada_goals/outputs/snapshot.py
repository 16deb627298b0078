"""Snapshots: the status tables frozen under a label such as "Delårsrapport 2026".

A snapshot holds the data of the moment: the rows the published database shows now."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from kolada_goals.errors import KoladaGoalsError
from kolada_goals.lake import LAKE, LakeSettings, connect_lake
from kolada_goals.load.publish import publish_database
from kolada_goals.outputs.queries import connect_read_only
from kolada_goals.sql_files import parameters_used, read_sql, sql_statements
from kolada_goals.warehouse import connect

logger = logging.getLogger(__name__)

# Relation names in sql/outputs/snapshot/insert_snapshot.sql -> report tables of the
# published database.
PUBLISHED_REPORTS = {
    "published_indicator_report": "mart_indicator_report",
    "published_goal_status": "mart_goal_status",
}


class SnapshotError(KoladaGoalsError):
    pass


@dataclass(frozen=True)
class SnapshotResult:
    label: str
    taken_at: datetime
    indicator_rows: int
    goal_rows: int
    published: bool


def take_snapshot(
    work_database: Path, published_database: Path, label: str, replace: bool = False
) -> SnapshotResult:
    """Copy mart_indicator_report and mart_goal_status of the published database into
    snap_* tables of the work database, then publish when the last run succeeded (otherwise
    the snapshot appears with the next good run)."""
    label = _checked_label(label)
    if not published_database.is_file() or not work_database.is_file():
        raise SnapshotError(
            f"nothing to freeze: {published_database} or {work_database} does not exist; "
            "run `kolada-goals run` first"
        )
    taken_at = datetime.now(UTC)
    try:
        con = connect(work_database)
    except duckdb.IOException as error:
        raise SnapshotError(f"{work_database} is in use (is a run going on?): {error}") from None
    try:
        with _published_reports(con, published_database):
            counts = _freeze(con, label, taken_at, replace)
        last_run = con.execute(read_sql("outputs/queries/last_run_status.sql")).fetchone()
    finally:
        con.close()
    published = last_run is not None and last_run[0] == "succeeded"
    if published:
        publish_database(work_database, published_database)
    else:
        logger.warning("the last run did not succeed: the snapshot is published with the next")
    return SnapshotResult(label, taken_at, counts[0], counts[1], published)


def take_lake_snapshot(lake: LakeSettings, label: str, replace: bool = False) -> SnapshotResult:
    """Freeze the lake's report tables under `label` in one DuckLake commit named
    "snapshot: <label>": published at once, as the lake's every commit is."""
    label = _checked_label(label)
    taken_at = datetime.now(UTC)
    with connect_lake(lake) as con:
        for name, table in PUBLISHED_REPORTS.items():
            try:
                con.register(name, con.table(table).to_arrow_table())
            except duckdb.CatalogException:
                raise SnapshotError(
                    f"{lake.describe()} has no {table}: run `kolada-goals run --lake` first"
                ) from None
        counts = _freeze(
            con, label, taken_at, replace, [LAKE, "kolada-goals", f"snapshot: {label}"]
        )
    return SnapshotResult(label, taken_at, counts[0], counts[1], True)


def _checked_label(label: str) -> str:
    label = label.strip()
    if not label:
        raise SnapshotError("a snapshot needs a non-empty --label")
    return label


@contextmanager
def _published_reports(con: duckdb.DuckDBPyConnection, published_database: Path) -> Iterator[None]:
    """The published report tables as relations of `con` (published_indicator_report,
    published_goal_status), streamed from a read-only connection of their own.

    ATTACH takes its path only as SQL text, where a file name such as `x'; drop table t; --`
    would be read as SQL; a connection takes the path as a plain argument."""
    try:
        published = connect_read_only(published_database)
    except duckdb.Error as error:
        raise SnapshotError(f"cannot open {published_database}: {error}") from None
    # A cursor per table: a connection streams one result at a time, and a second query
    # would end the first one's stream.
    cursors = [published.cursor() for _ in PUBLISHED_REPORTS]
    try:
        for cursor, (name, table) in zip(cursors, PUBLISHED_REPORTS.items(), strict=True):
            try:
                con.register(name, cursor.table(table).to_arrow_reader())
            except duckdb.CatalogException:
                raise SnapshotError(
                    f"{published_database} has no {table}: is it a kolada-goals database?"
                ) from None
        yield
    finally:
        for name in PUBLISHED_REPORTS:
            con.unregister(name)
        for cursor in cursors:
            cursor.close()
        published.close()


def _freeze(
    con: duckdb.DuckDBPyConnection,
    label: str,
    taken_at: datetime,
    replace: bool,
    commit_message: list[object] | None = None,
) -> tuple[int, int]:
    """Copy the published report rows under `label` in one transaction (closing `con` before
    the commit rolls it back); returns the rows frozen (indicators, goals). On a lake the
    commit gets `commit_message` (catalog, author, message)."""
    con.execute("begin transaction")
    for statement in sql_statements("outputs/snapshot/create_snapshot_tables.sql"):
        con.execute(statement)
    labels = {
        row[0] for row in con.execute(read_sql("outputs/snapshot/snapshot_labels.sql")).fetchall()
    }
    if label in labels and not replace:
        raise SnapshotError(f"snapshot {label!r} exists; give --replace to take it again")
    parameters: dict[str, object] = {"label": label, "taken_at": taken_at}
    counts: tuple[int, ...] | None = None
    for statement in sql_statements("outputs/snapshot/insert_snapshot.sql"):
        counts = con.execute(statement, parameters_used(statement, parameters)).fetchone()
    if commit_message is not None:
        con.execute("call ducklake_set_commit_message(?, ?, ?)", commit_message)
    con.execute("commit")
    if counts is None or len(counts) != 2:
        raise RuntimeError(
            "sql/outputs/snapshot/insert_snapshot.sql must end with the count of frozen rows"
        )
    return int(counts[0]), int(counts[1])
