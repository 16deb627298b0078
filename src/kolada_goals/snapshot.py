"""Freezing the status tables under a label ("Delårsrapport 2026"), with the data of the
moment: the rows the published database shows now."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from kolada_goals.errors import KoladaGoalsError
from kolada_goals.publish import publish_database
from kolada_goals.sql_files import parameters_used, read_sql, sql_statements
from kolada_goals.warehouse import connect

logger = logging.getLogger(__name__)


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
    label = label.strip()
    if not label:
        raise SnapshotError("a snapshot needs a non-empty --label")
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
        con.execute(f"attach '{published_database}' as published (read_only)")
        con.execute("begin transaction")
        for statement in sql_statements("load/create_snapshot_tables.sql"):
            con.execute(statement)
        labels = {row[0] for row in con.execute(read_sql("queries/snapshot_labels.sql")).fetchall()}
        if label in labels and not replace:
            raise SnapshotError(f"snapshot {label!r} exists; give --replace to take it again")
        parameters: dict[str, object] = {"label": label, "taken_at": taken_at}
        for statement in sql_statements("load/insert_snapshot.sql"):
            con.execute(statement, parameters_used(statement, parameters))
        counts = [
            int(con.execute(f"select count(*) from {t} where snapshot_label = ?", [label])
                .fetchone()[0])  # type: ignore[index]
            for t in ("snap_indicator_status", "snap_goal_status")
        ]  # fmt: skip
        con.execute("commit")
        last_run = con.execute(read_sql("queries/last_run_status.sql")).fetchone()
        con.execute("detach published")
    except BaseException:
        con.close()
        raise
    con.close()
    published = last_run is not None and last_run[0] == "succeeded"
    if published:
        publish_database(work_database, published_database)
    else:
        logger.warning("the last run did not succeed: the snapshot is published with the next")
    return SnapshotResult(label, taken_at, counts[0], counts[1], published)
