"""Database reads the outputs share: opening, report checks and errors, goal and indicator rows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from kolada_goals.errors import KoladaGoalsError
from kolada_goals.lake import LakeSettings, connect_lake
from kolada_goals.sql_files import read_sql

REPORT_MODES = ("outcome", "forecast")


class ReportError(KoladaGoalsError, ValueError):
    """A report cannot be made: unknown kommun, mode or year, or no marts in the database."""


class NotAKommunError(ReportError):
    """The id given is not a kommun's (a region, Riket, or unknown)."""


@dataclass(frozen=True)
class KommunDefinition:
    """The header of a kommun's goal definitions."""

    kommun_name: str
    vision: str
    vision_year: int | None
    policy_source: str | None
    note: str | None
    mandate_first_year: int
    mandate_last_year: int
    levels: list[str] | None


@dataclass(frozen=True)
class ReportScope:
    """What one report covers, checked: a kommun with goal definitions, a mode and a year
    with goal statuses."""

    kommun_id: str
    mode: str
    year: int
    definition: KommunDefinition

    @property
    def parameters(self) -> dict[str, Any]:
        """The parameters of the report's SQL files."""
        return {"kommun_id": self.kommun_id, "mode": self.mode, "year": self.year}


@dataclass(frozen=True)
class GoalRow:
    """A goal with its status in one report; status and reason are null without a status."""

    goal_id: str
    parent_goal_id: str | None
    depth: int
    ordinal: int
    level: str | None
    title: str
    owner: str | None
    status: str | None
    reason: str | None


@dataclass(frozen=True)
class IndicatorRow:
    """The row of mart_indicator_report one report shows for an indicator."""

    goal_id: str
    indicator_id: str
    indicator_title: str | None
    kpi_id: str | None
    period: int | None
    mode: str | None
    value: float | None
    is_preliminary: bool | None
    value_source_label: str | None
    local_unit: str | None
    reference_kind: str | None
    reference_period: int | None
    reference_value: float | None
    reference_count: int | None
    reference_expected: int | None
    target_value: float | None
    deviation_pct: float | None
    status: str | None
    reason: str | None
    motivation: str | None
    rank_position: int | None  # the quartile rule's basis: the place among all kommuner
    best_quartile_limit: float | None
    worst_quartile_limit: float | None
    kpi_title: str | None  # Kolada's title, which names the unit


def connect_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """The database at `path`, read-only: no output writes the published database. The path
    goes to DuckDB as an argument, never inside SQL text."""
    return duckdb.connect(str(path), read_only=True)


def connect_published(source: Path | LakeSettings) -> duckdb.DuckDBPyConnection:
    """The published data, read-only: the DuckDB file, or the lake's last published snapshot
    (read in one transaction, so that every query sees that one snapshot)."""
    if isinstance(source, LakeSettings):
        con = connect_lake(source, read_only=True)
        con.begin()
        return con
    if not source.is_file():
        raise ReportError(
            f"{source} does not exist: run `kolada-goals run` (or `kolada-goals demo`) first"
        )
    return connect_read_only(source)


@contextmanager
def open_published_database(
    source: Path | LakeSettings, kommun_id: str
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The published data, read-only, after checking that `kommun_id` is a kommun's id.
    Raises ReportError for a missing file or one that is no kolada-goals database, and
    NotAKommunError for an id that is no kommun's."""
    path = source.describe() if isinstance(source, LakeSettings) else source
    with connect_published(source) as con:
        try:
            known = con.execute(
                read_sql("outputs/queries/municipality_type.sql"), [kommun_id]
            ).fetchone()
        except duckdb.CatalogException:
            raise ReportError(f"{path} is not a kolada-goals database") from None
        if known is None or known[0] != "K":
            raise NotAKommunError(f"{kommun_id!r} is not a kommun id (e.g. 2425 for Dorotea)")
        yield con


def query_rows(
    con: duckdb.DuckDBPyConnection, sql_file: str, params: dict[str, Any]
) -> list[dict[str, Any]]:
    """The rows of sql/<sql_file> as dicts; a database without the marts is a ReportError."""
    try:
        cursor = con.execute(read_sql(sql_file), params)
    except duckdb.CatalogException as exc:
        raise ReportError(
            f"the database lacks what the report reads ({exc}); load the goal definitions "
            "and build the marts first"
        ) from exc
    names = [column[0] for column in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def resolve_report(
    con: duckdb.DuckDBPyConnection, kommun_id: str, mode: str, year: int | None, today: date
) -> ReportScope:
    """The scope of one report; raises ReportError for an unknown mode, a kommun without
    definitions or a year without statuses."""
    _check_mode(mode)
    definition = _kommun_definition(con, kommun_id)
    return ReportScope(kommun_id, mode, _report_year(con, kommun_id, mode, year, today), definition)


def goal_rows(con: duckdb.DuckDBPyConnection, scope: ReportScope) -> list[GoalRow]:
    """Every goal of the kommun with its status in the report, by depth and ordinal."""
    rows = query_rows(con, "outputs/queries/report_goals.sql", scope.parameters)
    return [GoalRow(**row) for row in rows]


def indicator_rows(con: duckdb.DuckDBPyConnection, scope: ReportScope) -> list[IndicatorRow]:
    """The indicator rows of the report, by goal and in the order the definitions list them."""
    rows = query_rows(con, "outputs/queries/report_indicators.sql", scope.parameters)
    return [IndicatorRow(**row) for row in rows]


def _check_mode(mode: str) -> None:
    if mode not in REPORT_MODES:
        raise ReportError(f"unknown report mode {mode!r}: use one of {', '.join(REPORT_MODES)}")


def _kommun_definition(con: duckdb.DuckDBPyConnection, kommun_id: str) -> KommunDefinition:
    rows = query_rows(con, "outputs/queries/kommun_definition.sql", {"kommun_id": kommun_id})
    if not rows:
        raise ReportError(
            f"kommun {kommun_id!r} has no goal definitions in the database "
            "(no row in goal_definition_file)"
        )
    return KommunDefinition(**rows[0])


def _report_years(con: duckdb.DuckDBPyConnection, kommun_id: str, mode: str) -> list[int]:
    """The years with goal statuses for `kommun_id` in `mode`, in order."""
    rows = query_rows(
        con, "outputs/queries/report_years.sql", {"kommun_id": kommun_id, "mode": mode}
    )
    return [int(row["report_year"]) for row in rows]


def _report_year(
    con: duckdb.DuckDBPyConnection, kommun_id: str, mode: str, year: int | None, today: date
) -> int:
    """`year` if it has goal statuses, else a ReportError; without a year, the latest year
    with statuses that is not after `today`."""
    years = _report_years(con, kommun_id, mode)
    available = ", ".join(str(y) for y in years) or "none"
    if year is None:
        past = [y for y in years if y <= today.year]
        if not past:
            raise ReportError(
                f"kommun {kommun_id} has no {mode} goal statuses for {today.year} or earlier "
                f"(years with statuses: {available})"
            )
        return max(past)
    if year not in years:
        raise ReportError(
            f"kommun {kommun_id} has no {mode} goal statuses for {year} "
            f"(years with statuses: {available})"
        )
    return year
