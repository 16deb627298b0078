"""Decide which KPIs a run loads in full and which incrementally (from_date).

from_date answers only what changed since a date, for the same query. It misses what it
cannot see, e.g. changes inside a day boundary or a KPI quietly re-based; so every KPI is
loaded in full again after `full_every_days` (a weekly reconciliation by default), and
whenever its scope (years, municipalities) changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import duckdb

from kolada_goals.sql_files import read_sql

DEFAULT_FULL_EVERY_DAYS = 7
# from_date is a date: go one day further back so nothing near midnight slips through.
SAFETY_MARGIN = timedelta(days=1)


@dataclass(frozen=True)
class LoadDecision:
    full_kpi_ids: tuple[str, ...]
    incremental_kpi_ids: tuple[str, ...]
    since: date | None  # from_date for the incremental KPIs

    @property
    def mode(self) -> str:
        return "incremental" if not self.full_kpi_ids else "full"


def scope_hash(years: Sequence[int], municipality_ids: Sequence[str] | None) -> str:
    text = ",".join(map(str, sorted(years))) + "|" + ",".join(sorted(municipality_ids or ["*"]))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def decide_load(
    con: duckdb.DuckDBPyConnection,
    kpi_ids: Sequence[str],
    scope: str,
    now: datetime,
    full_every_days: int = DEFAULT_FULL_EVERY_DAYS,
    force_full: bool = False,
) -> LoadDecision:
    rows = con.execute(read_sql("queries/kpi_load_state.sql"), {"kpi_ids": list(kpi_ids)})
    state = {str(r[0]): (str(r[1]), r[2], r[3]) for r in rows.fetchall()}
    full: list[str] = []
    incremental: list[str] = []
    oldest_load: datetime | None = None
    for kpi_id in sorted(set(kpi_ids)):
        known = state.get(kpi_id)
        if (
            force_full
            or known is None
            or known[0] != scope
            or now - known[1] >= timedelta(days=full_every_days)
        ):
            full.append(kpi_id)
            continue
        incremental.append(kpi_id)
        oldest_load = known[2] if oldest_load is None else min(oldest_load, known[2])
    since = (oldest_load - SAFETY_MARGIN).date() if oldest_load is not None else None
    return LoadDecision(tuple(full), tuple(incremental), since)


def record_loaded(
    con: duckdb.DuckDBPyConnection,
    kpi_ids: Sequence[str],
    scope: str,
    loaded_at: datetime,
    is_full: bool,
) -> None:
    if not kpi_ids:
        return
    con.execute(
        read_sql("load/upsert_kpi_load_state.sql"),
        {
            "kpi_ids": list(kpi_ids),
            "scope_hash": scope,
            "loaded_at": loaded_at,
            "is_full": is_full,
        },
    )
