"""The one home of the goal workbook's layout: its sheets, their Swedish column headers and
the fields of the goal-file format each header stands for.

A header's text is its key: the reader finds every column by its header, so columns may be
moved but not renamed. The fields are derived from the pydantic models: a field added to a
model gets a column (headed by its key, e.g. `ou`, until it is given a Swedish name here),
and a new kind of reference or rule brings its parameters as columns of their own.
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from kolada_goals.goals.model import Goal, GoalFile, Indicator

SHEET_INSTRUCTIONS = "Instruktioner"
SHEET_FILE = "Fil"
SHEET_GOALS = "Mål"
SHEET_INDICATORS = "Indikatorer"
SHEET_TARGETS = "Målvärden"
SHEET_FORECASTS = "Prognoser"
SHEET_LOCAL_VALUES = "Egna värden"
SHEET_LISTS = "Listor"  # hidden: the values of the drop-down lists
FORECAST_SHEET_PREFIX = "Prognos "  # "Prognos 2026": the delårsrapport sheet of a year
REQUIRED_SHEETS = (
    SHEET_FILE,
    SHEET_GOALS,
    SHEET_INDICATORS,
    SHEET_TARGETS,
    SHEET_FORECASTS,
    SHEET_LOCAL_VALUES,
)

# Fields of the format that have sheets of their own (one row per year) or are the tree.
GOAL_FILE_STRUCTURE = frozenset({"goals"})
GOAL_STRUCTURE = frozenset({"indicators"})
INDICATOR_YEAR_TABLES = frozenset({"targets", "forecasts", "local.values"})

TRUE_WORDS = frozenset({"ja", "sant", "true", "1"})
FALSE_WORDS = frozenset({"nej", "falskt", "false", "0"})
BOOLEAN_CHOICES = ("ja", "nej")
LIST_SEPARATOR = ";"


class CellKind(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"  # ja / nej
    CHOICE = "choice"  # one of the values of a Literal
    TEXT_LIST = "text_list"  # texts separated by ;
    YAML = "yaml"  # any other value, in YAML flow style: {quality: a, cost: b}


class Role(StrEnum):
    FIELD = "field"  # a field of the format (`leaf`)
    GOAL = "goal"  # the goal an indicator row belongs to
    INDICATOR = "indicator"  # the indicator a row of a year sheet is about
    YEAR = "year"  # the year of a row
    VALUE = "value"  # the value for that year (a target column's header is its year)
    NOTE = "note"  # a forecast's note
    COMMENT = "comment"  # the comment at the end of the item's first line
    COMMENT_ABOVE = "comment_above"  # comment lines above the item (section banners)
    INFO = "info"  # written to be read by people; never read back


@dataclass(frozen=True)
class Leaf:
    """A field of the format that one cell holds: `key` is its path below its model."""

    key: tuple[str, ...]
    kind: CellKind
    choices: tuple[object, ...] = ()

    @property
    def name(self) -> str:
        return ".".join(self.key)


@dataclass(frozen=True)
class Column:
    header: str
    role: Role
    leaf: Leaf | None = None
    width: int = 14
    help: str = ""

    @property
    def editable(self) -> bool:
        return self.role is not Role.INFO


# Swedish names of the fields, by model; parameters of references and rules are shared by the
# indicators and the file's defaults. A field missing here is headed by its key.
_PARAMETER_LABELS = {
    "reference.kind": "Referens",
    "reference.group": "Referens: grupp-id",
    "reference.kommuner": "Referens: kommuner (åtskilda med ;)",
    "reference.years": "Referens: år bakåt",
    "reference.area": "Referens: område",
    "rule.kind": "Regel",
    "rule.tolerance.kind": "Regel: toleransens slag",
    "rule.tolerance.value": "Regel: tolerans",
    "rule.min_reference_count": "Regel: minsta antal kommuner",
    "rule.threshold_pct": "Regel: tröskel (%)",
}
FILE_LABELS = {
    "format": "Format",
    "kommun": "Kommun-id",
    "name": "Namn",
    "source": "Källa (beslut)",
    "note": "Anteckning",
    "vision": "Vision",
    "vision_year": "Visionens år",
    "mandate.first_year": "Mandatperiod: första år",
    "mandate.last_year": "Mandatperiod: sista år",
    "levels": "Nivåer (uppifrån, åtskilda med ;)",
    "defaults.gender": "Standard: kön",
    **{f"defaults.{key}": f"Standard: {label[0].lower()}{label[1:]}"
       for key, label in _PARAMETER_LABELS.items()},
    "rollup.method": "Sammanvägning",
}  # fmt: skip
FILE_HEADER_COMMENT = "Kommentarrader överst i filen"
GOAL_LABELS = {
    "id": "Mål-id",
    "level": "Nivå",
    "parent": "Överordnat mål",
    "title": "Målformulering",
    "owner": "Ägare",
    "description": "Beskrivning",
    "mandate.first_year": "Eget mandat: första år",
    "mandate.last_year": "Eget mandat: sista år",
    "cost_quality": "Kvalitet mot kostnad (YAML)",
}
INDICATOR_LABELS = {
    "id": "Indikator-id",
    "kpi": "KPI-id",
    "ou": "Organisatorisk enhet (OU-id)",
    "local.unit": "Eget mått: enhet",
    "local.csv": "Eget mått: CSV-fil",
    "title": "Egen titel",
    "gender": "Kön",
    "direction": "Riktning",
    **_PARAMETER_LABELS,
    "motivation": "Motivering",
    "example": "Exempel (ja/nej)",
}
# The key/value layout of the file sheet.
FILE_FIELD_HEADER = "Fält"
FILE_VALUE_HEADER = "Värde"
FILE_HELP_HEADER = "Förklaring (info)"
FILE_COMMENT_HEADER = "Kommentar"  # the comment at the end of the field's line
# Leading columns, in this order; the other fields follow in model order.
GOAL_LEADING = ("id", "level", "parent", "title")
INDICATOR_LEADING = ("id", "kpi")

COMMENT = Column("Kommentar", Role.COMMENT, width=24, help="kommentar på radens första rad")
COMMENT_ABOVE = Column(
    "Kommentarrader ovanför", Role.COMMENT_ABOVE, width=30, help="t.ex. en rubrik ovanför målet"
)
GOAL_OF_INDICATOR = Column("Mål-id", Role.GOAL, width=12, help="målet som indikatorn mäter")
KPI_TITLE = Column("KPI-titel i Kolada (info)", Role.INFO, width=50)
KPI_UNIT = Column("Enhet i Kolada (info)", Role.INFO, width=16)
GOAL_INFO = Column("Mål-id (info)", Role.INFO, width=12)
INDICATOR_KEY = Column("Indikator-id", Role.INDICATOR, width=30)
INDICATOR_TITLE_INFO = Column("Indikator (info)", Role.INFO, width=50)
UNIT_INFO = Column("Enhet (info)", Role.INFO, width=14)
YEAR = Column("År", Role.YEAR, width=8)
FORECAST_VALUE = Column("Prognos", Role.VALUE, width=12)
FORECAST_NOTE = Column("Notering", Role.NOTE, width=50)
LOCAL_VALUE = Column("Värde", Role.VALUE, width=12)
# The delårsrapport sheet: what the pipeline knows, then the manual forecast to fill in.
LATEST_VALUE = Column("Senaste värde (info)", Role.INFO, width=12)
LATEST_PERIOD = Column("Period (info)", Role.INFO, width=10)
COUNTY_MEAN = Column("Länets snitt samma period (info)", Role.INFO, width=14)
TREND_FORECAST = Column("Trendprognos (info)", Role.INFO, width=14)
TARGET_INFO = Column("Målvärde (info)", Role.INFO, width=12)
MANUAL_FORECAST = Column("Manuell prognos", Role.VALUE, width=14)
MANUAL_NOTE = Column("Motivering/notering", Role.NOTE, width=50)
BASIS_NOTE = Column("Underlag (info)", Role.INFO, width=40)


def _members(annotation: object) -> list[object]:
    """The types a field may hold, without None, Annotated or nested unions."""
    if get_origin(annotation) is Annotated:
        return _members(get_args(annotation)[0])
    if get_origin(annotation) in (Union, types.UnionType):
        return [member for part in get_args(annotation) for member in _members(part)]
    return [] if annotation is type(None) else [annotation]


def _is_model(annotation: object) -> bool:
    return inspect.isclass(annotation) and issubclass(annotation, BaseModel)


def _kind_values(model: type[BaseModel]) -> tuple[object, ...] | None:
    field = model.model_fields.get("kind")
    if field is None:
        return None
    [literal] = _members(field.annotation) or [None]
    return get_args(literal) if get_origin(literal) is Literal else None


def _scalar_kind(annotation: object) -> Leaf | None:
    if get_origin(annotation) is Literal:
        return Leaf((), CellKind.CHOICE, get_args(annotation))
    kinds = {bool: CellKind.BOOLEAN, int: CellKind.INTEGER, float: CellKind.NUMBER}
    if annotation in kinds:
        return Leaf((), kinds[annotation])  # type: ignore[index]
    if annotation is str:
        return Leaf((), CellKind.TEXT)
    if get_origin(annotation) is list and _members(get_args(annotation)[0]) == [str]:
        return Leaf((), CellKind.TEXT_LIST)
    return None


def _leaves(key: tuple[str, ...], annotation: object) -> Iterator[Leaf]:
    members = _members(annotation)
    if len(members) == 1 and _is_model(members[0]):
        yield from model_leaves(members[0], key)  # type: ignore[arg-type]
        return
    kinds = [_kind_values(m) if _is_model(m) else None for m in members]  # type: ignore[arg-type]
    if len(members) > 1 and all(kinds):
        # A union told apart by `kind`: the kind, then every member's parameters once.
        yield Leaf((*key, "kind"), CellKind.CHOICE, tuple(v for k in kinds for v in k or ()))
        seen = {(*key, "kind")}
        for member in members:
            for leaf in model_leaves(member, key, skip={"kind"}):  # type: ignore[arg-type]
                if leaf.key not in seen:
                    seen.add(leaf.key)
                    yield leaf
        return
    scalar = _scalar_kind(members[0]) if len(members) == 1 else None
    yield Leaf(key, scalar.kind, scalar.choices) if scalar else Leaf(key, CellKind.YAML)


def model_leaves(
    model: type[BaseModel], prefix: tuple[str, ...] = (), skip: Collection[str] = ()
) -> list[Leaf]:
    """The cells that hold a model's fields, in field order."""
    leaves: list[Leaf] = []
    for name, field in model.model_fields.items():
        if name not in skip:
            leaves.extend(_leaves((*prefix, name), field.annotation))
    return leaves


def _field_columns(
    leaves: list[Leaf], labels: dict[str, str], leading: tuple[str, ...]
) -> list[Column]:
    ordered = sorted(
        leaves,
        key=lambda leaf: leading.index(leaf.name) if leaf.name in leading else len(leading),
    )
    return [
        Column(labels.get(leaf.name, leaf.name), Role.FIELD, leaf, _width(leaf)) for leaf in ordered
    ]


def _width(leaf: Leaf) -> int:
    if leaf.name in ("title", "description", "motivation"):
        return 50
    return {CellKind.TEXT: 18, CellKind.YAML: 30, CellKind.TEXT_LIST: 24}.get(leaf.kind, 12)


def file_leaves() -> list[Leaf]:
    return model_leaves(GoalFile, skip=GOAL_FILE_STRUCTURE)


def file_label(leaf: Leaf) -> str:
    return FILE_LABELS.get(leaf.name, leaf.name)


def goal_columns() -> list[Column]:
    leaves = model_leaves(Goal, skip=GOAL_STRUCTURE)
    return [*_field_columns(leaves, GOAL_LABELS, GOAL_LEADING), COMMENT, COMMENT_ABOVE]


def indicator_columns() -> list[Column]:
    leaves = [
        leaf
        for leaf in model_leaves(Indicator)
        if not any(leaf.name.startswith(table) for table in INDICATOR_YEAR_TABLES)
    ]
    fields = _field_columns(leaves, INDICATOR_LABELS, INDICATOR_LEADING)
    # Kolada's title and unit of the KPI stand beside its id.
    return [
        GOAL_OF_INDICATOR,
        *fields[:2],
        KPI_TITLE,
        KPI_UNIT,
        *fields[2:],
        COMMENT,
        COMMENT_ABOVE,
    ]


def target_columns(years: list[int]) -> list[Column]:
    """One row per indicator, one column per year, headed by the year."""
    year_columns = [Column(str(year), Role.VALUE, width=8) for year in years]
    return [GOAL_INFO, INDICATOR_KEY, INDICATOR_TITLE_INFO, UNIT_INFO, *year_columns]


def forecast_columns() -> list[Column]:
    return [INDICATOR_KEY, YEAR, FORECAST_VALUE, FORECAST_NOTE]


def local_value_columns() -> list[Column]:
    return [INDICATOR_KEY, YEAR, LOCAL_VALUE]


def forecast_sheet_columns() -> list[Column]:
    return [
        GOAL_INFO,
        INDICATOR_KEY,
        INDICATOR_TITLE_INFO,
        Column("KPI-id (info)", Role.INFO, width=10),
        UNIT_INFO,
        LATEST_VALUE,
        LATEST_PERIOD,
        COUNTY_MEAN,
        TREND_FORECAST,
        TARGET_INFO,
        MANUAL_FORECAST,
        MANUAL_NOTE,
        BASIS_NOTE,
    ]


def forecast_sheet_name(year: int) -> str:
    return f"{FORECAST_SHEET_PREFIX}{year}"


def forecast_sheet_year(sheet_name: str) -> int | None:
    """2026 for "Prognos 2026"; None for any other sheet."""
    rest = sheet_name.removeprefix(FORECAST_SHEET_PREFIX)
    if rest == sheet_name or not (rest.isdigit() and len(rest) == 4):
        return None
    return int(rest)


def year_of_header(header: object) -> int | None:
    """The year a target column's header names: 2025 or "2025"."""
    if isinstance(header, int | float) and not isinstance(header, bool) and header == int(header):
        year = int(header)
    elif isinstance(header, str) and header.strip().isdigit():
        year = int(header.strip())
    else:
        return None
    return year if 1000 <= year <= 9999 else None
