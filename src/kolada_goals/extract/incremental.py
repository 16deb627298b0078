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
from datetime import UTC, date, datetime, timedelta

import duckdb

from kolada_goals.sql_files import read_sql

DEFAULT_FULL_EVERY_DAYS = 7
# From this many KPIs the weekly full load is spread over the week: each KPI has its own
# night (by a hash of its id), so a night loads about a seventh of them in full. Below it,
# a full load is short (about 17 s at 5 requests/s for 50 KPIs) and all KPIs share a night.
SPREAD_FROM_KPIS = 200
# from_date is a date: go one day further back so nothing near midnight slips through.
SAFETY_MARGIN = timedelta(days=1)


@dataclass(frozen=True)
class LoadDecision:
    full_kpi_ids: tuple[str, ...]
    incremental_kpi_ids: tuple[str, ...]
    since: date | None  # from_date for the incremental KPIs

    @property
    def mode(self) -> str:
        """full when every KPI is loaded in full; incremental when any asks only for changes
        (the night's share of a spread weekly load among them)."""
        return "incremental" if self.incremental_kpi_ids else "full"


def scope_hash(years: Sequence[int], municipality_ids: Sequence[str] | None) -> str:
    text = ",".join(map(str, sorted(years))) + "|" + ",".join(sorted(municipality_ids or ["*"]))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def full_load_night(kpi_id: str, full_every_days: int) -> int:
    """The night of the cycle (0 .. full_every_days - 1) on which the KPI is loaded in full
    when the weekly load is spread: a stable hash of its id."""
    digest = hashlib.blake2b(kpi_id.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % full_every_days


def night_of_cycle(now: datetime, full_every_days: int) -> int:
    return now.astimezone(UTC).date().toordinal() % full_every_days


def decide_load(
    con: duckdb.DuckDBPyConnection,
    kpi_ids: Sequence[str],
    scope: str,
    now: datetime,
    full_every_days: int = DEFAULT_FULL_EVERY_DAYS,
    force_full: bool = False,
) -> LoadDecision:
    """Full for a KPI never loaded, loaded for another scope, or last loaded in full
    `full_every_days` ago or more; with SPREAD_FROM_KPIS KPIs or more, also on its own night
    of the cycle (unless it was loaded in full that day already, so that a re-run does not
    repeat it). Incremental for the others."""
    wanted = sorted(set(kpi_ids))
    rows = con.execute(read_sql("extract/kpi_load_state.sql"), {"kpi_ids": wanted})
    state = {str(r[0]): (str(r[1]), r[2], r[3]) for r in rows.fetchall()}
    spread = len(wanted) >= SPREAD_FROM_KPIS
    tonight = night_of_cycle(now, full_every_days)
    full: list[str] = []
    incremental: list[str] = []
    oldest_load: datetime | None = None
    for kpi_id in wanted:
        known = state.get(kpi_id)
        if (
            force_full
            or known is None
            or known[0] != scope
            or now - known[1] >= timedelta(days=full_every_days)
            or (
                spread
                and full_load_night(kpi_id, full_every_days) == tonight
                and known[1].astimezone(UTC).date() < now.astimezone(UTC).date()
            )
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
        read_sql("load/meta/upsert_kpi_load_state.sql"),
        {
            "kpi_ids": list(kpi_ids),
            "scope_hash": scope,
            "loaded_at": loaded_at,
            "is_full": is_full,
        },
    )
