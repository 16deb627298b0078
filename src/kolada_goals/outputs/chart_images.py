"""The report's charts as PNG images, for documents that hold no SVG (the Word document).

An image shows the same lines as the HTML report's chart (report.build_chart): the kommun, the
county mean and Riket, in its colours and legend words, told apart by line style and marker
as well as colour. matplotlib is imported when the first chart is drawn, so that commands
which draw none stay fast; figures go straight to the Agg canvas, with no pyplot state.
"""

from __future__ import annotations

import io
import math
from typing import Any

from kolada_goals.outputs.cost_quality import KOMMUN_COLOUR, PEER_COLOUR, CostQualityChart
from kolada_goals.outputs.labels import format_number
from kolada_goals.outputs.report import Chart

WIDTH_CM = 12.0
HEIGHT_CM = 4.8
DPI = 200
# key: (line style, marker, marker size): solid with dots, dashed with squares, dotted with
# triangles – each series has a look of its own without its colour.
LINE_STYLES: dict[str, tuple[Any, str, float]] = {
    "kommun": ("solid", "o", 4.0),
    "county": ((0, (5, 2)), "s", 3.5),
    "riket": ((0, (1, 1.5)), "^", 4.0),
}
LEGEND_ORDER = ("kommun", "county", "riket")
EVERY_YEAR_UP_TO = 10  # years on the x axis, each labelled; more are labelled at round steps
TEXT_COLOUR = "#333333"  # 12.6:1 on white
MUTED_TEXT_COLOUR = "#555555"  # 7.5:1 on white
AXIS_COLOUR = "#8a8a8a"
GRID_COLOUR = "#e6e6e6"  # a guide only: the axis labels carry the scale
FONT_SIZE = 7.5
DIGIT_WIDTH_EM = 0.64  # a digit of the default font (DejaVu Sans), the widest label character
Y_LABEL_PAD_POINTS = 12.0  # tick, gap and the page's edge


def chart_png(chart: Chart) -> bytes:
    """`chart` as a PNG of WIDTH_CM × HEIGHT_CM at DPI. An empty chart has nothing to draw:
    ValueError (a document says so in words instead)."""
    if chart.empty:
        raise ValueError("an empty chart has no image: the kommun has no values to show")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    figure = Figure(figsize=(WIDTH_CM / 2.54, HEIGHT_CM / 2.54), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    drawn = {}
    for order, line in enumerate(chart.lines):  # the kommun's line comes last, on top
        style, marker, size = LINE_STYLES[line.key]
        (drawn[line.key],) = axes.plot(
            [period for period, _ in line.values],
            [value for _, value in line.values],
            color=line.colour,
            linewidth=line.width,
            linestyle=style,
            marker=marker,
            markersize=size,
            label=line.label,
            zorder=2 + order,
        )
    periods = sorted({period for line in chart.lines for period, _ in line.values})
    if len(periods) == 1:  # one year: the point in the middle
        axes.set_xlim(periods[0] - 1, periods[0] + 1)
    if len(periods) <= EVERY_YEAR_UP_TO:
        axes.set_xticks(periods, labels=[str(period) for period in periods])
    else:
        axes.xaxis.set_major_locator(MaxNLocator(nbins=7, integer=True))
        axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:.0f}"))
    axes.yaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 5, 10]))
    labels = _label_y_ticks_in_swedish(axes)
    axes.grid(axis="y", color=GRID_COLOUR, linewidth=0.6, zorder=0)
    axes.tick_params(labelsize=FONT_SIZE, colors=TEXT_COLOUR, length=2.5)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        axes.spines[side].set_color(AXIS_COLOUR)
    handles = [drawn[key] for key in LEGEND_ORDER if key in drawn]
    axes.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        ncol=len(handles),
        frameon=False,
        fontsize=FONT_SIZE,
        labelcolor=TEXT_COLOUR,
        borderaxespad=0.2,
        handlelength=3.0,
    )
    # Fixed margins, the left one as wide as the longest y label: one drawing, not the two a
    # layout engine needs.
    label_points = max(len(label) for label in labels) * DIGIT_WIDTH_EM * FONT_SIZE
    left = (label_points + Y_LABEL_PAD_POINTS) / (WIDTH_CM / 2.54 * 72)
    figure.subplots_adjust(left=left, right=0.985, bottom=0.14, top=0.82)
    buffer = io.BytesIO()
    # No Software entry: the image says nothing but the chart.
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _label_y_ticks_in_swedish(axes: Any) -> list[str]:
    """Y ticks at round steps, labelled with a decimal comma and as many decimals as the step
    needs (steps are 1, 2 or 5 times a power of ten); returns the labels."""
    low, high = axes.get_ylim()
    ticks = [tick for tick in axes.get_yticks() if low <= tick <= high]
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    decimals = max(0, -math.floor(math.log10(step) + 1e-9)) if step > 0 else 0
    labels = [format_number(tick, decimals) for tick in ticks]
    axes.set_yticks(ticks, labels=labels)
    axes.set_ylim(low, high)
    return labels


SCATTER_WIDTH_CM = 12.0
SCATTER_HEIGHT_CM = 8.0


def scatter_png(chart: CostQualityChart) -> bytes:
    """The cost-quality scatter (cost_quality.build_scatter) as a PNG: the reference's
    kommuner as grey dots, the kommun as a larger blue one with its name, the means as dashed
    cross lines, the quadrants named in the corners; better quality is up."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(SCATTER_WIDTH_CM / 2.54, SCATTER_HEIGHT_CM / 2.54), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    peers = [point for point in chart.points if not point.is_kommun]
    own = chart.kommun
    axes.scatter([p.cost for p in peers], [p.quality for p in peers], s=9, color=PEER_COLOUR,
                 marker="o", zorder=2)  # fmt: skip
    axes.scatter([own.cost], [own.quality], s=40, color=KOMMUN_COLOUR, marker="D", zorder=3)
    at_right = chart.label_anchor == "end"  # the side of the point with room for the name
    axes.annotate(own.member_name, (own.cost, own.quality), xytext=(-5 if at_right else 5, 4),
                  textcoords="offset points", fontsize=FONT_SIZE, color=TEXT_COLOUR,
                  fontweight="bold", ha="right" if at_right else "left")  # fmt: skip
    for line in (axes.axvline(chart.cost_mean), axes.axhline(chart.quality_mean)):
        line.set(color=AXIS_COLOUR, linestyle=(0, (4, 3)), linewidth=0.8, zorder=1)
    if chart.quality_lower_is_better:
        axes.invert_yaxis()
    corners = (("Högre kvalitet,\nlägre kostnad", 0.01, 0.99, "left", "top"),
               ("Högre kvalitet,\nhögre kostnad", 0.99, 0.99, "right", "top"),
               ("Lägre kvalitet,\nlägre kostnad", 0.01, 0.01, "left", "bottom"),
               ("Lägre kvalitet,\nhögre kostnad", 0.99, 0.01, "right", "bottom"))  # fmt: skip
    for text, x, y, horizontal, vertical in corners:
        axes.text(x, y, text, transform=axes.transAxes, fontsize=FONT_SIZE - 1.5,
                  color=MUTED_TEXT_COLOUR, ha=horizontal, va=vertical)  # fmt: skip
    axes.set_xlabel("Kostnad →", fontsize=FONT_SIZE, color=TEXT_COLOUR)
    axes.set_ylabel("Kvalitet (bättre uppåt) →", fontsize=FONT_SIZE, color=TEXT_COLOUR)
    axes.margins(0.15)
    axes.tick_params(labelsize=FONT_SIZE, colors=TEXT_COLOUR, length=2.5)
    axes.xaxis.set_major_formatter(_swedish_formatter(0))
    axes.yaxis.set_major_formatter(_swedish_formatter(1))
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        axes.spines[side].set_color(AXIS_COLOUR)
    figure.subplots_adjust(left=0.16, right=0.98, bottom=0.15, top=0.97)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _swedish_formatter(decimals: int) -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _: format_number(value, decimals))
