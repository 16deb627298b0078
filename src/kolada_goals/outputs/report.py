"""A self-contained HTML report per kommun, in Swedish: the goal tree with statuses, the
indicators under each goal and a small chart per KPI.

The report is one file: CSS inline, charts as inline SVG, no scripts, fonts or links, so it
can be mailed, archived or opened offline. Values from Kolada are labelled "Källa: Kolada";
every figure computed here (means, deviations, statuses) is labelled as our own processing.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import jinja2

from kolada_goals.errors import KoladaGoalsError
from kolada_goals.sql_files import read_sql

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "report.html.j2"

MODE_LABELS = {
    "outcome": "Utfall (årsredovisning)",
    "forecast": "Prognos (delårsrapport)",
}
STATUS_LABELS = {"green": "Grönt", "yellow": "Gult", "red": "Rött", "grey": "Grått"}
STATUS_ORDER = ("green", "yellow", "red", "grey")
REFERENCE_LABELS = {
    "county": "Länets kommuner (ovägt medel)",
    "riket": "Riket",
    "all_kommuner": "Alla kommuner",
    "group": "Jämförelsegrupp",
    "kommuner": "Utvalda kommuner",
    "own_trend": "Egen trend",
}
VALUE_SOURCE = "Värden: Källa: Kolada"
COMPUTED_SOURCE = "Jämförelser, avvikelser och status: Egen bearbetning av data från Kolada"
NO_VALUE = "–"

# Chart geometry, in SVG user units (= CSS pixels at 100 %).
CHART_WIDTH = 260
CHART_HEIGHT = 90
_PLOT_LEFT = 50.0
_PLOT_RIGHT = CHART_WIDTH - 8.0
_PLOT_TOP = 20.0
_PLOT_BOTTOM = CHART_HEIGHT - 16.0


class ReportError(KoladaGoalsError, ValueError):
    """A report cannot be made: unknown kommun, mode or year, or no marts in the database."""


# --- Formatting ------------------------------------------------------------------------------


def format_number(value: float | None, decimals: int = 1, *, signed: bool = False) -> str:
    """Swedish number formatting: space between thousands, decimal comma, e.g. 174 618,4."""
    if value is None or not math.isfinite(value):
        return NO_VALUE
    text = f"{value:{'+' if signed else ''},.{decimals}f}"
    text = text.replace(",", " ").replace(".", ",")
    # -0,0 and +0,0 are just 0,0.
    if text.lstrip("+-").replace("0", "").replace(",", "").replace(" ", "") == "":
        text = text.lstrip("+-")
    return text


def status_label(status: str | None) -> str:
    return STATUS_LABELS.get(status or "grey", "Grått")


def reference_label(kind: str | None) -> str:
    if kind is None:
        return NO_VALUE
    return REFERENCE_LABELS.get(kind, kind)


# --- The report's model ----------------------------------------------------------------------


@dataclass(frozen=True)
class ChartLine:
    key: str  # kommun, county or riket
    label: str
    colour: str
    width: float
    dash: str  # stroke-dasharray, "" for a solid line
    points: str  # polyline points
    dots: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Chart:
    aria_label: str
    lines: tuple[ChartLine, ...]
    legend: tuple[tuple[str, str, float, str], ...]  # label, colour, width, dash
    y_min_label: str
    y_max_label: str
    x_first_label: str
    x_last_label: str
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    plot_left: float = _PLOT_LEFT
    plot_right: float = _PLOT_RIGHT
    plot_top: float = _PLOT_TOP
    plot_bottom: float = _PLOT_BOTTOM

    @property
    def empty(self) -> bool:
        return not self.lines


@dataclass
class Indicator:
    indicator_id: str
    title: str
    kpi_id: str | None
    period: str
    value: str
    value_source: str | None
    target: str
    reference_value: str
    reference_kind: str
    reference_note: str | None
    deviation: str
    status: str
    status_label: str
    reason: str | None
    motivation: str | None
    chart: Chart | None = None


@dataclass
class Goal:
    goal_id: str
    title: str
    level: str | None
    owner: str | None
    depth: int
    ordinal: int
    status: str
    status_label: str
    reason: str
    children: list[Goal] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)

    @property
    def heading(self) -> str:
        """h3 for the top level (h1 is the title, h2 the sections), at most h6."""
        return f"h{min(3 + self.depth, 6)}"


@dataclass(frozen=True)
class LevelSummary:
    level: str
    counts: tuple[tuple[str, str, int], ...]  # status, label, count
    total: int


# --- Reading the database --------------------------------------------------------------------


def query_rows(
    con: duckdb.DuckDBPyConnection, sql_file: str, params: dict[str, Any]
) -> list[dict[str, Any]]:
    try:
        cursor = con.execute(read_sql(sql_file), params)
    except duckdb.CatalogException as exc:
        raise ReportError(
            f"the database lacks what the report reads ({exc}); load the goal definitions "
            "and build the marts first"
        ) from exc
    names = [column[0] for column in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def kommun_definition(con: duckdb.DuckDBPyConnection, kommun_id: str) -> dict[str, Any]:
    rows = query_rows(con, "outputs/report/definition.sql", {"kommun_id": kommun_id})
    if not rows:
        raise ReportError(
            f"kommun {kommun_id!r} has no goal definitions in the database "
            "(no row in goal_definition_file)"
        )
    return rows[0]


def report_year_for(
    con: duckdb.DuckDBPyConnection, kommun_id: str, mode: str, year: int | None, today: date
) -> int:
    years = [
        int(row["report_year"])
        for row in query_rows(
            con, "outputs/report/report_years.sql", {"kommun_id": kommun_id, "mode": mode}
        )
    ]
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


def resolve_report(
    con: duckdb.DuckDBPyConnection, kommun_id: str, mode: str, year: int | None, today: date
) -> tuple[dict[str, Any], int]:
    """(the kommun's definition row, the report year) of one report; raises ReportError for
    an unknown mode, a kommun without definitions or a year without statuses."""
    check_mode(mode)
    definition = kommun_definition(con, kommun_id)
    return definition, report_year_for(con, kommun_id, mode, year, today)


def check_mode(mode: str) -> None:
    if mode not in MODE_LABELS:
        raise ReportError(f"unknown report mode {mode!r}: use one of {', '.join(MODE_LABELS)}")


# --- Charts ----------------------------------------------------------------------------------

_SERIES_STYLE = {
    # key: (legend label, colour, stroke width, dash) – told apart by dash as well as colour.
    "kommun": ("kommunen", "#1f4e9c", 2.0, ""),
    "county": ("länets snitt", "#b8520f", 1.5, "5 2"),
    "riket": ("riket", "#4d4d4d", 1.5, "1.5 2"),
}


def _legend() -> tuple[tuple[str, str, float, str], ...]:
    return tuple(_SERIES_STYLE[key] for key in ("kommun", "county", "riket"))


def _series_text(label: str, series: Sequence[tuple[int, float]]) -> str:
    first, last = series[0], series[-1]
    if first[0] == last[0]:
        return f"{label} {last[0]}: {format_number(last[1])}"
    return (
        f"{label} {first[0]}–{last[0]}: från {format_number(first[1])} "
        f"till {format_number(last[1])}"
    )


def build_chart(title: str, kommun_name: str, series: dict[str, list[tuple[int, float]]]) -> Chart:
    """A line chart of the kommun's outcomes against the county mean and Riket.

    `series` maps kommun/county/riket to (period, value) pairs in period order.
    """
    present = {key: values for key, values in series.items() if values and key in _SERIES_STYLE}
    kommun_values = present.get("kommun", [])
    if not kommun_values:
        return Chart(
            aria_label=f"Diagram för {title}: {kommun_name} har inga utfall att visa ännu.",
            lines=(),
            legend=_legend(),
            y_min_label="",
            y_max_label="",
            x_first_label="",
            x_last_label="",
        )
    # The x range is the kommun's own; reference values outside it are left out.
    first_period, last_period = kommun_values[0][0], kommun_values[-1][0]
    present = {
        key: [(p, v) for p, v in values if first_period <= p <= last_period]
        for key, values in present.items()
    }
    present = {key: values for key, values in present.items() if values}
    all_values = [v for values in present.values() for _, v in values]
    low, high = min(all_values), max(all_values)
    if math.isclose(low, high):
        pad = max(abs(low) * 0.05, 1.0)
        low, high = low - pad, high + pad

    def x_of(period: int) -> float:
        if first_period == last_period:
            return (_PLOT_LEFT + _PLOT_RIGHT) / 2
        share = (period - first_period) / (last_period - first_period)
        return _PLOT_LEFT + share * (_PLOT_RIGHT - _PLOT_LEFT)

    def y_of(value: float) -> float:
        share = (value - low) / (high - low)
        return _PLOT_BOTTOM - share * (_PLOT_BOTTOM - _PLOT_TOP)

    lines = []
    descriptions = []
    for key in ("county", "riket", "kommun"):  # the kommun's line is drawn on top
        values = present.get(key)
        if not values:
            continue
        label, colour, width, dash = _SERIES_STYLE[key]
        dots = tuple((round(x_of(p), 1), round(y_of(v), 1)) for p, v in values)
        points = " ".join(f"{x},{y}" for x, y in dots)
        lines.append(ChartLine(key, label, colour, width, dash, points, dots))
    for key, name in (("kommun", kommun_name), ("county", "länets snitt"), ("riket", "riket")):
        if present.get(key):
            descriptions.append(_series_text(name, present[key]))
    aria = f"Diagram för {title}. " + "; ".join(descriptions) + "."
    return Chart(
        aria_label=aria,
        lines=tuple(lines),
        legend=_legend(),
        y_min_label=format_number(low),
        y_max_label=format_number(high),
        x_first_label=str(first_period),
        x_last_label=str(last_period) if last_period != first_period else "",
    )


def _chart_series(
    con: duckdb.DuckDBPyConnection, kommun_id: str, last_period: int
) -> dict[str, dict[str, list[tuple[int, float]]]]:
    rows = query_rows(
        con,
        "outputs/report/chart_series.sql",
        {"kommun_id": kommun_id, "last_period": last_period, "county_code": kommun_id[:2]},
    )
    by_indicator: dict[str, dict[str, list[tuple[int, float]]]] = {}
    for row in rows:
        series = by_indicator.setdefault(row["indicator_id"], {})
        series.setdefault(row["series"], []).append((int(row["period"]), float(row["value"])))
    return by_indicator


# --- Building the model ----------------------------------------------------------------------


def _indicator(row: dict[str, Any], report_mode: str) -> Indicator:
    period = str(row["period"]) if row["period"] is not None else NO_VALUE
    notes = []
    if row["mode"] == "forecast":
        notes.append("prognos")
    if row["is_preliminary"]:
        notes.append("preliminärt")
    if report_mode == "forecast" and row["mode"] == "outcome" and row["value"] is not None:
        notes.append("utfall")
    if notes:
        period = f"{period} ({', '.join(notes)})"
    value = format_number(row["value"])
    if row["value"] is not None and row["local_unit"]:
        value = f"{value} {row['local_unit']}"
    reference_note = None
    if row["reference_value"] is not None:
        parts = []
        if row["reference_period"] is not None and row["reference_period"] != row["period"]:
            parts.append(f"avser {row['reference_period']}")
        count, expected = row["reference_count"], row["reference_expected"]
        if (
            row["reference_kind"] not in ("riket", "own_trend")
            and count is not None
            and expected is not None
        ):
            parts.append(f"{count} av {expected} kommuner")
        reference_note = ", ".join(parts) or None
    status = row["status"] or "grey"
    motivation = row["motivation"]
    if status == "grey" and not motivation:
        motivation = "ingen angiven"
    return Indicator(
        indicator_id=row["indicator_id"],
        title=row["indicator_title"] or row["indicator_id"],
        kpi_id=row["kpi_id"],
        period=period,
        value=value,
        value_source=row["value_source_label"] if row["value"] is not None else None,
        target=format_number(row["target_value"]),
        reference_value=format_number(row["reference_value"]),
        reference_kind=reference_label(row["reference_kind"]),
        reference_note=reference_note,
        deviation=format_number(row["deviation_pct"], signed=True),
        status=status,
        status_label=status_label(status),
        reason=row["reason"],
        motivation=motivation,
    )


def _goal_tree(goal_rows: Iterable[dict[str, Any]]) -> list[Goal]:
    goals: dict[str, Goal] = {}
    parents: dict[str, str | None] = {}
    for row in goal_rows:
        status = row["status"] or "grey"
        goals[row["goal_id"]] = Goal(
            goal_id=row["goal_id"],
            title=row["title"],
            level=row["level"],
            owner=row["owner"],
            depth=int(row["depth"]),
            ordinal=int(row["ordinal"]),
            status=status,
            status_label=status_label(status),
            reason=row["reason"] or "Ingen status beräknad för året",
        )
        parents[row["goal_id"]] = row["parent_goal_id"]
    roots: list[Goal] = []
    for goal_id, goal in goals.items():
        parent = parents[goal_id]
        if parent is not None and parent in goals:
            goals[parent].children.append(goal)
        else:
            roots.append(goal)
    for goal in goals.values():
        goal.children.sort(key=lambda g: (g.ordinal, g.goal_id))
    roots.sort(key=lambda g: (g.ordinal, g.goal_id))
    return roots


def _walk(goals: Iterable[Goal]) -> Iterable[Goal]:
    for goal in goals:
        yield goal
        yield from _walk(goal.children)


def _summary(goals: list[Goal], levels: Sequence[str] | None) -> list[LevelSummary]:
    order = list(levels or [])
    counts: dict[str, dict[str, int]] = {}
    for goal in _walk(goals):
        level = goal.level or f"Nivå {goal.depth + 1}"
        if level not in order:
            order.append(level)
        per_status = counts.setdefault(level, dict.fromkeys(STATUS_ORDER, 0))
        per_status[goal.status] = per_status.get(goal.status, 0) + 1
    return [
        LevelSummary(
            level=level,
            counts=tuple((s, STATUS_LABELS[s], counts[level].get(s, 0)) for s in STATUS_ORDER),
            total=sum(counts[level].values()),
        )
        for level in order
        if level in counts
    ]


# --- Rendering -------------------------------------------------------------------------------


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_report(
    con: duckdb.DuckDBPyConnection,
    kommun_id: str,
    mode: str = "outcome",
    year: int | None = None,
    *,
    today: date | None = None,
) -> str:
    """The HTML report of `kommun_id` for one mode and year (default: the latest year with goal
    statuses that is not in the future). Raises ReportError when there is nothing to report."""
    return _render(con, kommun_id, mode, year, today or date.today())[0]


def write_report(
    con: duckdb.DuckDBPyConnection,
    kommun_id: str,
    out: Path,
    mode: str = "outcome",
    year: int | None = None,
) -> Path:
    """Write the report to `out` (a file, or an existing folder to name the file in) and return
    the file's path. The file is replaced whole, never left half written."""
    html, report_year = _render(con, kommun_id, mode, year, date.today())
    if out.is_dir():
        out = out / f"maluppfyllelse-{kommun_id}-{mode}-{report_year}.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(html, encoding="utf-8")
        os.replace(temporary, out)
    finally:
        temporary.unlink(missing_ok=True)
    return out


def _render(
    con: duckdb.DuckDBPyConnection, kommun_id: str, mode: str, year: int | None, today: date
) -> tuple[str, int]:
    definition, report_year = resolve_report(con, kommun_id, mode, year, today)
    params = {"kommun_id": kommun_id, "mode": mode, "year": report_year}
    roots = _goal_tree(query_rows(con, "outputs/report/goals.sql", params))
    by_id = {goal.goal_id: goal for goal in _walk(roots)}
    series = _chart_series(con, kommun_id, report_year)
    kommun_name = definition["kommun_name"]
    value_sources: set[str] = set()
    for row in query_rows(con, "outputs/report/indicators.sql", params):
        goal = by_id.get(row["goal_id"])
        if goal is None:
            continue
        indicator = _indicator(row, mode)
        if indicator.kpi_id is not None:
            indicator.chart = build_chart(
                indicator.title, kommun_name, series.get(indicator.indicator_id, {})
            )
        if indicator.value_source:
            value_sources.add(indicator.value_source)
        goal.indicators.append(indicator)
    template = _environment().get_template(TEMPLATE_NAME)
    html = template.render(
        title=f"Måluppfyllelse {kommun_name} {report_year}",
        kommun_id=kommun_id,
        kommun_name=kommun_name,
        year=report_year,
        mode=mode,
        mode_label=MODE_LABELS[mode],
        definition=definition,
        goals=roots,
        summary=_summary(roots, definition["levels"]),
        has_local_values="Kommunens egen uppgift" in value_sources,
        has_forecasts="Egen prognos" in value_sources,
        value_source=VALUE_SOURCE,
        computed_source=COMPUTED_SOURCE,
        generated=today.isoformat(),
    )
    return html, report_year
