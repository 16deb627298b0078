"""The facts of mart_indicator_fact as one Swedish sentence for the analysis text, e.g.
"Plats 4 av 15 i länet; bättre tre år i rad; flickor 8,2 procentenheter högre än pojkar"."""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb

from kolada_goals.outputs.labels import format_number, value_decimals
from kolada_goals.outputs.queries import ReportScope, query_rows
from kolada_goals.units import UnitKind, kpi_unit

NUMBER_WORDS = {2: "två", 3: "tre", 4: "fyra", 5: "fem", 6: "sex", 7: "sju", 8: "åtta",
                9: "nio", 10: "tio"}  # fmt: skip
# KPIs on children and pupils name their genders flickor and pojkar, the others kvinnor and män.
_CHILDREN = re.compile(r"\b(elev\w*|barn\w*|åk|flickor|pojkar|ungdomar|unga)\b", re.IGNORECASE)
GAP_SHOWN_FROM = 0.05  # a smaller gap between women and men reads as none at one decimal


@dataclass(frozen=True)
class IndicatorFacts:
    """One row of mart_indicator_fact, with the KPI's title for its unit."""

    indicator_id: str
    period: int
    kpi_title: str | None
    direction: str | None
    county_rank: int | None
    county_ranked: int | None
    riket_rank: int | None
    riket_ranked: int | None
    change_1y: float | None
    change_3y: float | None
    better_by_1y: float | None
    better_by_3y: float | None
    better_years_in_row: int | None
    value_women: float | None
    value_men: float | None
    gender_gap: float | None
    is_preliminary: bool


def report_facts(con: duckdb.DuckDBPyConnection, scope: ReportScope) -> dict[str, IndicatorFacts]:
    """indicator id -> the facts of the period its report row shows (or the latest before)."""
    rows = query_rows(con, "outputs/queries/report_facts.sql", scope.parameters)
    return {row["indicator_id"]: IndicatorFacts(**row) for row in rows}


def _years(count: int) -> str:
    return NUMBER_WORDS.get(count, str(count))


def _ranks(facts: IndicatorFacts) -> list[str]:
    parts = []
    if facts.county_rank is not None and facts.county_ranked:
        parts.append(f"plats {facts.county_rank} av {facts.county_ranked} i länet")
    # Where every kommun with a value is in the county (a sample of one county), the national
    # rank says nothing more.
    if (
        facts.riket_rank is not None
        and facts.riket_ranked
        and (facts.riket_ranked != facts.county_ranked)
    ):
        parts.append(f"plats {facts.riket_rank} av {facts.riket_ranked} bland alla kommuner")
    return parts


def _streak(facts: IndicatorFacts) -> list[str]:
    years = facts.better_years_in_row
    if years is None:
        return []
    if years == 0:
        return ["oförändrat mot året före"]
    way = "bättre" if years > 0 else "sämre"
    if abs(years) == 1:
        return [f"{way} än året före"]
    return [f"{way} {_years(abs(years))} år i rad"]


# Differences are named in the KPI's unit where it reads well after a number.
_UNIT_AFTER_NUMBER = frozenset({UnitKind.COST_PER_INHABITANT, UnitKind.COST_PER_USER,
                                UnitKind.AMOUNT, UnitKind.RATE})  # fmt: skip


@dataclass(frozen=True)
class _Unit:
    word: str  # after a difference: "procentenheter", "kr/inv", or nothing
    decimals: int


def _unit_of(title: str | None) -> _Unit:
    unit = kpi_unit(title or "")
    decimals = value_decimals(title)
    if unit.kind in (UnitKind.SHARE, UnitKind.CHANGE):
        return _Unit("procentenheter", decimals)
    if unit.kind is UnitKind.DAYS:
        return _Unit("dagar", decimals)
    return _Unit(unit.label if unit.kind in _UNIT_AFTER_NUMBER else "", decimals)


def _amount(difference: float, unit: _Unit) -> str:
    number = format_number(abs(difference), unit.decimals)
    return f"{number} {unit.word}" if unit.word else number


def _three_years(facts: IndicatorFacts, unit: _Unit) -> list[str]:
    if facts.better_by_3y is None or facts.change_3y is None:
        return []
    if round(facts.better_by_3y, 9) == 0:
        return ["samma nivå som för tre år sedan"]
    way = "bättre" if facts.better_by_3y > 0 else "sämre"
    return [f"{_amount(facts.change_3y, unit)} {way} än för tre år sedan"]


def _gender_gap(facts: IndicatorFacts, unit: _Unit) -> list[str]:
    if facts.gender_gap is None:
        return []
    women, men = ("flickor", "pojkar") if _CHILDREN.search(facts.kpi_title or "") else (
        "kvinnor", "män")  # fmt: skip
    if abs(facts.gender_gap) < GAP_SHOWN_FROM:
        return [f"{women} och {men} lika"]
    way = "högre" if facts.gender_gap > 0 else "lägre"
    return [f"{women} {_amount(facts.gender_gap, unit)} {way} än {men}"]


def fact_sentence(facts: IndicatorFacts | None) -> str:
    """The facts as one sentence, parts joined by semicolons; empty without facts."""
    if facts is None:
        return ""
    unit = _unit_of(facts.kpi_title)
    parts = [
        *_ranks(facts),
        *_streak(facts),
        *_three_years(facts, unit),
        *_gender_gap(facts, unit),
        *(["preliminärt värde"] if facts.is_preliminary else []),
    ]
    if not parts:
        return ""
    text = "; ".join(parts)
    return f"{text[0].upper()}{text[1:]} ({facts.period})"
