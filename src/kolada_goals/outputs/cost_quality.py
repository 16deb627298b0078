"""Quality against cost among the reference's kommuner (mart_cost_quality), as the report
shows it: a scatter of the kommuner with the kommun highlighted, the means as cross lines,
the quadrant named in Swedish, and a text alternative that says the same in words."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

import duckdb

from kolada_goals.outputs.labels import format_number
from kolada_goals.outputs.queries import ReportScope, query_rows

# Scatter geometry, in SVG user units (= CSS pixels at 100 %).
SCATTER_WIDTH = 340
SCATTER_HEIGHT = 230
_LEFT, _RIGHT, _TOP, _BOTTOM = 52.0, SCATTER_WIDTH - 10.0, 14.0, SCATTER_HEIGHT - 34.0
KOMMUN_COLOUR = "#1f4e9c"  # the report's colour of the kommun's own line
PEER_COLOUR = "#6b6b6b"  # 5.3:1 on white
REFERENCE_LABELS = {
    "county": "länets kommuner",
    "all_kommuner": "alla kommuner",
    "kommuner": "utvalda kommuner",
}
# Corners of the plot, cost growing to the right and quality (better) upwards.
QUADRANT_CORNERS = (
    ("Högre kvalitet, lägre kostnad", "start", "top"),
    ("Högre kvalitet, högre kostnad", "end", "top"),
    ("Lägre kvalitet, lägre kostnad", "start", "bottom"),
    ("Lägre kvalitet, högre kostnad", "end", "bottom"),
)


@dataclass(frozen=True)
class CostQualityPoint:
    member_id: str
    member_name: str
    is_kommun: bool
    quality: float
    cost: float
    x: float
    y: float


@dataclass(frozen=True)
class CostQualityChart:
    """One pair of one goal in one period, placed on the scatter."""

    goal_id: str
    quality_indicator_id: str
    cost_indicator_id: str
    quality_title: str
    cost_title: str
    period: int
    reference: str  # the kommuner compared with, in words
    kommun_count: int
    quality_mean: float
    cost_mean: float
    quadrant_label: str  # the kommun's
    quality_lower_is_better: bool
    points: tuple[CostQualityPoint, ...]  # the kommun last, drawn on top
    mean_x: float
    mean_y: float
    x_labels: tuple[tuple[float, str], ...]  # (x, text) at the lowest and highest cost
    y_labels: tuple[tuple[float, str], ...]  # (y, text) at the worst and best quality
    aria_label: str
    width: int = SCATTER_WIDTH
    height: int = SCATTER_HEIGHT
    plot_left: float = _LEFT
    plot_right: float = _RIGHT
    plot_top: float = _TOP
    plot_bottom: float = _BOTTOM

    @property
    def kommun(self) -> CostQualityPoint:
        return next(point for point in self.points if point.is_kommun)

    @property
    def label_anchor(self) -> str:
        """The kommun's name goes on the side of its point that has room for it."""
        return "end" if self.kommun.x > (self.plot_left + 2 * self.plot_right) / 3 else "start"

    @property
    def label_x(self) -> float:
        return self.kommun.x + (-7 if self.label_anchor == "end" else 7)

    @property
    def quality_text(self) -> str:
        return f"{format_number(self.kommun.quality)} (snitt {format_number(self.quality_mean)})"

    @property
    def cost_text(self) -> str:
        return f"{format_number(self.kommun.cost, 0)} (snitt {format_number(self.cost_mean, 0)})"

    @property
    def corners(self) -> tuple[tuple[str, str, float, float], ...]:
        """(text, anchor, x, y) of the four quadrant names."""
        return tuple(
            (
                text,
                anchor,
                self.plot_left + 4 if anchor == "start" else self.plot_right - 4,
                self.plot_top + 10 if edge == "top" else self.plot_bottom - 5,
            )
            for text, anchor, edge in QUADRANT_CORNERS
        )


def report_cost_quality(
    con: duckdb.DuckDBPyConnection, scope: ReportScope
) -> dict[str, list[CostQualityChart]]:
    """goal id -> its cost-quality charts, in the order the definitions list the pairs."""
    rows = query_rows(
        con,
        "outputs/queries/report_cost_quality.sql",
        {"kommun_id": scope.kommun_id, "year": scope.year},
    )
    charts: dict[str, list[CostQualityChart]] = {}
    key = ("goal_id", "quality_indicator_id", "cost_indicator_id")
    for _, members in groupby(rows, key=lambda row: tuple(row[k] for k in key)):
        chart = build_scatter(list(members), scope.definition.kommun_name)
        charts.setdefault(chart.goal_id, []).append(chart)
    return charts


def _range(values: Sequence[float]) -> tuple[float, float]:
    low, high = min(values), max(values)
    if math.isclose(low, high):
        pad = max(abs(low) * 0.05, 1.0)
        return low - pad, high + pad
    pad = (high - low) * 0.12  # room for the quadrant names in the corners
    return low - pad, high + pad


def _reference_text(row: dict[str, Any]) -> str:
    if row["reference_kind"] in ("group", "similar") and row["reference_title"]:
        return str(row["reference_title"])
    return REFERENCE_LABELS.get(row["reference_kind"], str(row["reference_kind"]))


def build_scatter(members: Sequence[dict[str, Any]], kommun_name: str) -> CostQualityChart:
    """The scatter of one pair from its mart rows (the kommun's among them)."""
    first = members[0]
    lower_is_better = first["quality_direction"] == "lower"
    cost_low, cost_high = _range([row["cost_value"] for row in members])
    quality_low, quality_high = _range([row["quality_value"] for row in members])

    def x_of(cost: float) -> float:
        return round(_LEFT + (cost - cost_low) / (cost_high - cost_low) * (_RIGHT - _LEFT), 1)

    def y_of(quality: float) -> float:
        share = (quality - quality_low) / (quality_high - quality_low)
        if lower_is_better:  # better quality is up
            share = 1 - share
        return round(_BOTTOM - share * (_BOTTOM - _TOP), 1)

    points = tuple(
        CostQualityPoint(
            row["member_id"], row["member_name"], bool(row["is_kommun"]),
            row["quality_value"], row["cost_value"],
            x_of(row["cost_value"]), y_of(row["quality_value"]),
        )
        for row in sorted(members, key=lambda row: bool(row["is_kommun"]))
    )  # fmt: skip
    own = next(row for row in members if row["is_kommun"])
    reference = _reference_text(first)
    worst, best = (quality_high, quality_low) if lower_is_better else (quality_low, quality_high)
    aria = (
        f"Punktdiagram: {first['quality_title']} mot {first['cost_title']}, {first['period']}, "
        f"{first['kommun_count']} kommuner ({reference}). {kommun_name}: "
        f"{own['quadrant_label'].lower()}; kvalitet {format_number(own['quality_value'])} "
        f"(snitt {format_number(own['quality_mean'])}), kostnad "
        f"{format_number(own['cost_value'], 0)} (snitt {format_number(own['cost_mean'], 0)})."
    )  # the same words as quality_text and cost_text, for a reader who hears the chart
    return CostQualityChart(
        goal_id=first["goal_id"],
        quality_indicator_id=first["quality_indicator_id"],
        cost_indicator_id=first["cost_indicator_id"],
        quality_title=first["quality_title"],
        cost_title=first["cost_title"],
        period=int(first["period"]),
        reference=reference,
        kommun_count=int(first["kommun_count"]),
        quality_mean=float(first["quality_mean"]),
        cost_mean=float(first["cost_mean"]),
        quadrant_label=own["quadrant_label"],
        quality_lower_is_better=lower_is_better,
        points=points,
        mean_x=x_of(first["cost_mean"]),
        mean_y=y_of(first["quality_mean"]),
        x_labels=((_LEFT, format_number(cost_low, 0)), (_RIGHT, format_number(cost_high, 0))),
        y_labels=((_BOTTOM, format_number(worst)), (_TOP, format_number(best))),
        aria_label=aria,
    )
