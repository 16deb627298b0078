"""Values of the goal-file format as workbook cells, and cells back as values, by the kind of
cell (kolada_goals.goals.workbook_columns.CellKind). A cell that cannot be read says why."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time

import yaml

from kolada_goals.goals.source import GoalFileRefused, load_yaml_with_lines
from kolada_goals.goals.workbook_columns import (
    FALSE_WORDS,
    LIST_SEPARATOR,
    TRUE_WORDS,
    CellKind,
    Leaf,
)
from kolada_goals.goals.yaml_writer import flow_text

CellValue = str | int | float | bool | None
EXCEL_TEXT_LIMIT = 32_767  # characters in one cell

# OOXML writes control characters as _xHHHH_ (and a literal "_x" as _x005F_x); openpyxl reads
# them as written.
_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_NUMBER = re.compile(r"[-+]?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?")
_INTEGER = re.compile(r"[-+]?\d+")


@dataclass(frozen=True)
class CellError:
    code: str
    message: str
    fix: str


def cell_of(leaf: Leaf, value: object) -> CellValue:
    """The cell of a field's value; None leaves the cell empty."""
    if value is None:
        return None
    if leaf.kind is CellKind.BOOLEAN:
        return "ja" if value else "nej"
    if leaf.kind is CellKind.TEXT_LIST and isinstance(value, list):
        texts = [str(item) for item in value]
        # Texts that ; would split (or that are empty) are written as a YAML list instead.
        if all(t.strip() == t and t and LIST_SEPARATOR not in t for t in texts) and not (
            texts and texts[0].startswith("[")
        ):
            return f"{LIST_SEPARATOR} ".join(texts)
        return flow_text(value)
    if leaf.kind is CellKind.YAML:
        return flow_text(value)
    if isinstance(value, str | int | float | bool):
        return value
    return flow_text(value)


def number_of_text(text: str) -> float | int | None:
    """7.5 from "7.5" or "7,5" (a Swedish decimal comma); None when the text is no number."""
    stripped = text.strip().replace("\u2212", "-").replace("\u00a0", "").replace(" ", "")
    if _INTEGER.fullmatch(stripped):
        return int(stripped)
    if _NUMBER.fullmatch(stripped):
        return float(stripped.replace(",", "."))
    return None


def _not_a_number(raw: CellValue, whole: bool) -> CellError:
    kind = "a whole number" if whole else "a number"
    return CellError(
        "not_a_number",
        f"{_shown(raw)} is not {kind}",
        f"write {kind}" + ("" if whole else ", e.g. 7.5 or 7,5") + ", or leave the cell empty",
    )


def _shown(raw: object, limit: int = 40) -> str:
    text = repr(raw)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _as_number(raw: CellValue, whole: bool) -> object:
    if isinstance(raw, bool):
        return _not_a_number(raw, whole)
    value = number_of_text(raw) if isinstance(raw, str) else raw
    if not isinstance(value, int | float) or not math.isfinite(value):
        return _not_a_number(raw, whole)
    if whole:
        if not float(value).is_integer():
            return _not_a_number(raw, whole)
        return int(value)
    return value


def _as_text(raw: CellValue) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def _yaml_value(text: str) -> object:
    try:
        value, _ = load_yaml_with_lines(text)
    except (yaml.YAMLError, GoalFileRefused):
        return CellError(
            "not_yaml",
            f"{_shown(text)} is not a value in YAML flow style",
            "write it as the goal file would, e.g. {quality: kvalitet-id, cost: kostnad-id}",
        )
    return value


def is_empty(raw: CellValue) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def value_of(leaf: Leaf, raw: CellValue) -> object:
    """The field's value in a (non-empty) cell, or a CellError."""
    if leaf.kind is CellKind.INTEGER:
        return _as_number(raw, whole=True)
    if leaf.kind is CellKind.NUMBER:
        return _as_number(raw, whole=False)
    if leaf.kind is CellKind.BOOLEAN:
        word = str(raw).strip().lower() if not isinstance(raw, bool) else None
        if isinstance(raw, bool):
            return raw
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        return CellError("not_yes_no", f"{_shown(raw)} is neither ja nor nej", "write ja or nej")
    if leaf.kind is CellKind.CHOICE:
        for choice in leaf.choices:
            if str(choice) == _as_text(raw).strip():
                return choice
        return _as_text(raw)  # the format's check lists the values allowed
    if leaf.kind is CellKind.TEXT_LIST:
        text = _as_text(raw)
        if text.lstrip().startswith("["):
            return _yaml_value(text)
        return [part.strip() for part in text.split(LIST_SEPARATOR) if part.strip()]
    if leaf.kind is CellKind.YAML:
        return _yaml_value(raw) if isinstance(raw, str) else raw
    return _as_text(raw)


def raw_of_cell(value: object, data_type: str | None) -> CellValue | CellError:
    """A cell's content as read by openpyxl, or why it cannot be read: formulas and Excel's
    error values are not values."""
    if data_type == "f":
        return CellError(
            "formula",
            "the cell holds a formula",
            "type the value itself (copy the cell and paste it as a value)",
        )
    if data_type == "e":
        return CellError("cell_error", f"the cell holds Excel's error {value}", "type a value")
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, str):
        return _OOXML_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), value)
    if value is None or isinstance(value, int | float | bool):
        return value
    return CellError("unreadable_cell", "the cell holds no value", "type the value")
