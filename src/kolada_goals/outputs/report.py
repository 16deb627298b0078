"""The self-contained HTML report of one kommun, in Swedish.

It shows the goal tree with statuses, the indicators under each goal and a small chart per
KPI. The report is one file: CSS inline, charts as inline SVG, no scripts, fonts or links, so
it can be mailed, archived or opened offline. Values from Kolada are labelled "Källa: Kolada";
every figure computed here (means, deviations, statuses) is labelled as our own processing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import duckdb
import jinja2

from kolada_goals.atomic_file import write_file_atomically
from kolada_goals.outputs.analysis_text import IndicatorFacts, fact_sentence, report_facts
from kolada_goals.outputs.cost_quality import CostQualityChart, report_cost_quality
from kolada_goals.outputs.goal_tree import GoalNode, goal_tree, walk_goals
from kolada_goals.outputs.labels import (
    MODE_LABELS,
    NO_VALUE,
    STATUS_COLOURS,
    STATUS_LABELS,
    STATUS_SYMBOLS,
    format_number,
    status_label,
    value_decimals,
)
from kolada_goals.outputs.queries import IndicatorRow, ReportScope, query_rows, resolve_report

# Imported under its own name: render_report and write_report raise it (via resolve_report).
from kolada_goals.outputs.queries import ReportError as ReportError

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "report.html.j2"

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
LOCAL_VALUE_SOURCE = "Kommunens egen uppgift"
FORECAST_VALUE_SOURCE = "Egen prognos"

# Chart geometry, in SVG user units (= CSS pixels at 100 %).
CHART_WIDTH = 260
CHART_HEIGHT = 90
_PLOT_LEFT = 50.0
_PLOT_RIGHT = CHART_WIDTH - 8.0
_PLOT_TOP = 20.0
_PLOT_BOTTOM = CHART_HEIGHT - 16.0


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
    values: tuple[tuple[int, float], ...]  # (period, value) as drawn, for other formats' charts


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


@dataclass(frozen=True)
class ReportIndicator:
    """An indicator as the report shows it: every figure formatted in Swedish."""

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
    chart: Chart | None
    analysis: str = ""  # the facts of mart_indicator_fact as one sentence (analysis_text)


@dataclass(frozen=True)
class ReportGoal:
    """A goal as the report shows it, with its sub-goals and indicators."""

    goal_id: str
    title: str
    level: str | None
    owner: str | None
    depth: int
    status: str
    status_label: str
    reason: str
    children: tuple[ReportGoal, ...]
    indicators: tuple[ReportIndicator, ...]
    cost_quality: tuple[CostQualityChart, ...] = ()

    @property
    def heading(self) -> str:
        """h3 for the top level (h1 is the title, h2 the sections), at most h6."""
        return f"h{min(3 + self.depth, 6)}"


@dataclass(frozen=True)
class LevelSummary:
    level: str
    counts: tuple[tuple[str, str, int], ...]  # status, label, count
    total: int


@dataclass(frozen=True)
class ReportContent:
    """What a report of one kommun, mode and year shows, in whatever format it is written."""

    scope: ReportScope
    goals: list[ReportGoal]
    summary: list[LevelSummary]
    value_sources: set[str]  # see _value_sources


# --- Charts ----------------------------------------------------------------------------------

_SERIES_STYLE = {
    # key: (legend label, colour, stroke width, dash) – told apart by dash as well as colour.
    "kommun": ("kommunen", "#1f4e9c", 2.0, ""),
    "county": ("länets snitt", "#b8520f", 1.5, "5 2"),
    "riket": ("riket", "#4d4d4d", 1.5, "1.5 2"),
}


def _legend() -> tuple[tuple[str, str, float, str], ...]:
    return tuple(_SERIES_STYLE[key] for key in ("kommun", "county", "riket"))


def _series_text(label: str, series: Sequence[tuple[int, float]], decimals: int) -> str:
    first, last = series[0], series[-1]
    if first[0] == last[0]:
        return f"{label} {last[0]}: {format_number(last[1], decimals)}"
    return (
        f"{label} {first[0]}–{last[0]}: från {format_number(first[1], decimals)} "
        f"till {format_number(last[1], decimals)}"
    )


def build_chart(
    title: str,
    kommun_name: str,
    series: dict[str, list[tuple[int, float]]],
    decimals: int = 1,
) -> Chart:
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
        lines.append(ChartLine(key, label, colour, width, dash, points, dots, tuple(values)))
    for key, name in (("kommun", kommun_name), ("county", "länets snitt"), ("riket", "riket")):
        if present.get(key):
            descriptions.append(_series_text(name, present[key], decimals))
    aria = f"Diagram för {title}. " + "; ".join(descriptions) + "."
    return Chart(
        aria_label=aria,
        lines=tuple(lines),
        legend=_legend(),
        y_min_label=format_number(low, decimals),
        y_max_label=format_number(high, decimals),
        x_first_label=str(first_period),
        x_last_label=str(last_period) if last_period != first_period else "",
    )


def _chart_series(
    con: duckdb.DuckDBPyConnection, scope: ReportScope
) -> dict[str, dict[str, list[tuple[int, float]]]]:
    """indicator id -> series (kommun, county, riket) -> (period, value) in period order."""
    rows = query_rows(
        con,
        "outputs/report/chart_series.sql",
        {
            "kommun_id": scope.kommun_id,
            "last_period": scope.year,
            "county_code": scope.kommun_id[:2],
        },
    )
    by_indicator: dict[str, dict[str, list[tuple[int, float]]]] = {}
    for row in rows:
        series = by_indicator.setdefault(row["indicator_id"], {})
        series.setdefault(row["series"], []).append((int(row["period"]), float(row["value"])))
    return by_indicator


# --- Building the model ----------------------------------------------------------------------


def _period_text(row: IndicatorRow, report_mode: str) -> str:
    """The period, with what kind of value it has, e.g. 2025 (prognos, preliminärt)."""
    period = str(row.period) if row.period is not None else NO_VALUE
    notes = []
    if row.mode == "forecast":
        notes.append("prognos")
    if row.is_preliminary:
        notes.append("preliminärt")
    if report_mode == "forecast" and row.mode == "outcome" and row.value is not None:
        notes.append("utfall")
    return f"{period} ({', '.join(notes)})" if notes else period


def _reference_value_text(row: IndicatorRow, decimals: int) -> str:
    """The reference value; for the quartile rule the limits of the worst and the best
    quartile it was judged by."""
    if row.best_quartile_limit is not None and row.worst_quartile_limit is not None:
        return (
            f"{format_number(row.worst_quartile_limit, decimals)} / "
            f"{format_number(row.best_quartile_limit, decimals)}"
        )
    return format_number(row.reference_value, decimals)


def _reference_note(row: IndicatorRow) -> str | None:
    """Where the reference value comes from when that is not plain: another period, or fewer
    kommuner than the reference has."""
    if row.rank_position is not None:
        # the quartile rule: the limits of the sämsta and bästa quartile, and the place
        return f"kvartilgränser sämst / bäst; plats {row.rank_position} av {row.reference_count}"
    if row.reference_value is None:
        return None
    parts = []
    if row.reference_period is not None and row.reference_period != row.period:
        parts.append(f"avser {row.reference_period}")
    count, expected = row.reference_count, row.reference_expected
    if (
        row.reference_kind not in ("riket", "own_trend")
        and count is not None
        and expected is not None
    ):
        parts.append(f"{count} av {expected} kommuner")
    return ", ".join(parts) or None


@dataclass(frozen=True)
class _ReportData:
    """What the report shows beside the goal tree, looked up by indicator or goal id."""

    report_mode: str
    kommun_name: str
    series: dict[str, dict[str, list[tuple[int, float]]]]
    facts: dict[str, IndicatorFacts]
    cost_quality: dict[str, list[CostQualityChart]]


def _report_indicator(row: IndicatorRow, data: _ReportData) -> ReportIndicator:
    """The report's view of an indicator; a KPI's has a chart of its series."""
    report_mode, kommun_name = data.report_mode, data.kommun_name
    series = data.series.get(row.indicator_id, {})
    title = row.indicator_title or row.indicator_id
    decimals = value_decimals(row.kpi_title)
    value = format_number(row.value, decimals)
    if row.value is not None and row.local_unit:
        value = f"{value} {row.local_unit}"
    status = row.status or "grey"
    motivation = row.motivation
    if status == "grey" and not motivation:
        motivation = "ingen angiven"
    return ReportIndicator(
        indicator_id=row.indicator_id,
        title=title,
        kpi_id=row.kpi_id,
        period=_period_text(row, report_mode),
        value=value,
        value_source=row.value_source_label if row.value is not None else None,
        target=format_number(row.target_value, decimals),
        reference_value=_reference_value_text(row, decimals),
        reference_kind=reference_label(row.reference_kind),
        reference_note=_reference_note(row),
        deviation=format_number(row.deviation_pct, signed=True),
        status=status,
        status_label=status_label(status),
        reason=row.reason,
        motivation=motivation,
        chart=(
            build_chart(title, kommun_name, series, decimals) if row.kpi_id is not None else None
        ),
        analysis=fact_sentence(data.facts.get(row.indicator_id)),
    )


def _report_goal(node: GoalNode, data: _ReportData) -> ReportGoal:
    """The report's view of a goal of the goal tree, and of everything below it."""
    goal = node.goal
    status = goal.status or "grey"
    return ReportGoal(
        goal_id=goal.goal_id,
        title=goal.title,
        level=goal.level,
        owner=goal.owner,
        depth=goal.depth,
        status=status,
        status_label=status_label(status),
        reason=goal.reason or "Ingen status beräknad för året",
        children=tuple(_report_goal(child, data) for child in node.children),
        indicators=tuple(_report_indicator(row, data) for row in node.indicators),
        cost_quality=tuple(data.cost_quality.get(goal.goal_id, ())),
    )


def _summary(goals: Iterable[GoalNode], levels: Sequence[str] | None) -> list[LevelSummary]:
    """Goals per level and status, the levels in the definitions' order, then any others."""
    order = list(levels or [])
    counts: dict[str, dict[str, int]] = {}
    for node in walk_goals(goals):
        level = node.goal.level or f"Nivå {node.goal.depth + 1}"
        if level not in order:
            order.append(level)
        status = node.goal.status or "grey"
        per_status = counts.setdefault(level, dict.fromkeys(STATUS_ORDER, 0))
        per_status[status] = per_status.get(status, 0) + 1
    return [
        LevelSummary(
            level=level,
            counts=tuple((s, STATUS_LABELS[s], counts[level].get(s, 0)) for s in STATUS_ORDER),
            total=sum(counts[level].values()),
        )
        for level in order
        if level in counts
    ]


def _value_sources(goals: Iterable[GoalNode]) -> set[str]:
    """The labels of where the report's values come from (Kolada, the kommun, a forecast)."""
    return {
        row.value_source_label
        for node in walk_goals(goals)
        for row in node.indicators
        if row.value is not None and row.value_source_label
    }


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
    write_file_atomically(out, html.encode("utf-8"), overwrite=True)
    return out


def report_content(
    con: duckdb.DuckDBPyConnection, kommun_id: str, mode: str, year: int | None, today: date
) -> ReportContent:
    """The goals, indicators, charts and summary of one report, formatted in Swedish. Raises
    ReportError when there is nothing to report."""
    scope = resolve_report(con, kommun_id, mode, year, today)
    tree = goal_tree(con, scope)
    data = _ReportData(
        mode,
        scope.definition.kommun_name,
        _chart_series(con, scope),
        report_facts(con, scope),
        report_cost_quality(con, scope),
    )
    return ReportContent(
        scope=scope,
        goals=[_report_goal(node, data) for node in tree],
        summary=_summary(tree, scope.definition.levels),
        value_sources=_value_sources(tree),
    )


def _all_goals(goals: Iterable[ReportGoal]) -> Iterable[ReportGoal]:
    for goal in goals:
        yield goal
        yield from _all_goals(goal.children)


def _render(
    con: duckdb.DuckDBPyConnection, kommun_id: str, mode: str, year: int | None, today: date
) -> tuple[str, int]:
    content = report_content(con, kommun_id, mode, year, today)
    scope = content.scope
    definition = scope.definition
    kommun_name = definition.kommun_name
    value_sources = content.value_sources
    template = _environment().get_template(TEMPLATE_NAME)
    html = template.render(
        title=f"Måluppfyllelse {kommun_name} {scope.year}",
        kommun_id=kommun_id,
        kommun_name=kommun_name,
        year=scope.year,
        mode=mode,
        mode_label=MODE_LABELS[mode],
        definition=definition,
        goals=content.goals,
        summary=content.summary,
        status_labels=STATUS_LABELS,  # in the order the summary shows the statuses
        status_symbols=STATUS_SYMBOLS,
        status_colours=STATUS_COLOURS,
        has_local_values=LOCAL_VALUE_SOURCE in value_sources,
        has_cost_quality=any(goal.cost_quality for goal in _all_goals(content.goals)),
        has_forecasts=FORECAST_VALUE_SOURCE in value_sources,
        value_source=VALUE_SOURCE,
        computed_source=COMPUTED_SOURCE,
        generated=today.isoformat(),
    )
    return html, scope.year
