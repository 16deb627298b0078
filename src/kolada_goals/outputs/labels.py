"""Swedish words and number formatting that the terminal tree and the HTML report share."""

from __future__ import annotations

import math
from dataclasses import dataclass

from kolada_goals.units import UnitKind, kpi_unit

MODE_LABELS = {
    "outcome": "Utfall (årsredovisning)",
    "forecast": "Prognos (delårsrapport)",
}
STATUS_LABELS = {"green": "Grönt", "yellow": "Gult", "red": "Rött", "grey": "Grått"}
# A shape of its own per status, shown with the word: a status is never told by colour alone
# (for readers who do not see the colours, and on a black-and-white print-out).


@dataclass(frozen=True)
class StatusColours:
    """A status's fill, the text on it and its edge, as #rrggbb."""

    fill: str
    text: str
    edge: str


# The status colours of the HTML report and the Word document: text on fill at least 4.5:1,
# edges at least 3:1 against white (WCAG AA), as their tests check.
STATUS_COLOURS = {
    "green": StatusColours("#1d6b34", "#ffffff", "#1d6b34"),
    "yellow": StatusColours("#f2c94c", "#1a1a1a", "#b38600"),
    "red": StatusColours("#a8231b", "#ffffff", "#a8231b"),
    "grey": StatusColours("#5f6368", "#ffffff", "#5f6368"),
}
STATUS_SYMBOLS = {"green": "✓", "yellow": "!", "red": "✕", "grey": "○"}
NO_VALUE = "–"


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


# Kronor and counts are shown whole, as Kolada shows them; other values with one decimal.
WHOLE_NUMBER_UNITS = frozenset({UnitKind.COST_PER_INHABITANT, UnitKind.COST_PER_USER,
                                UnitKind.AMOUNT, UnitKind.COUNT})  # fmt: skip


def value_decimals(kpi_title: str | None) -> int:
    """The decimals a KPI's values, targets and references are shown with."""
    if kpi_title is None:
        return 1
    return 0 if kpi_unit(kpi_title).kind in WHOLE_NUMBER_UNITS else 1


def status_label(status: str | None) -> str:
    """The Swedish word of a status; no status is grey."""
    return STATUS_LABELS.get(status or "grey", "Grått")


def status_symbol(status: str | None) -> str:
    """The symbol of a status, e.g. ✓ for green; no status is grey."""
    return STATUS_SYMBOLS.get(status or "grey", STATUS_SYMBOLS["grey"])


def status_text(status: str | None) -> str:
    """Symbol and word of a status, e.g. "✓ Grönt", where text has no colour to show."""
    return f"{status_symbol(status)} {status_label(status)}"
