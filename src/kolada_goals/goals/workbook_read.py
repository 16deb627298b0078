"""Reading a goal workbook back into a goal file: the cells become a document that is checked
as `goals validate` checks a file (the format, Kolada's catalogue, the tree), and every
problem names its sheet, row, column and fix.

Columns are found by their headers (workbook_columns). A workbook whose sheets or headers are
not the ones written (a sheet deleted, a header renamed, a column removed) is reported as such
and not checked further: its values would land in the wrong fields or be lost.
"""

from __future__ import annotations

import difflib
import io
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter

from kolada_goals.goals.catalogue import Catalogue
from kolada_goals.goals.comments import DocumentPath, GoalFileComments, comment_text
from kolada_goals.goals.model import GoalFile
from kolada_goals.goals.source import GoalFileRefused, read_bounded_bytes
from kolada_goals.goals.validate import validate_goal_document
from kolada_goals.goals.workbook_cells import CellError, CellValue, is_empty, raw_of_cell, value_of
from kolada_goals.goals.workbook_columns import (
    FILE_COMMENT_HEADER,
    FILE_FIELD_HEADER,
    FILE_HEADER_COMMENT,
    FILE_HELP_HEADER,
    FILE_VALUE_HEADER,
    REQUIRED_SHEETS,
    SHEET_FILE,
    SHEET_FORECASTS,
    SHEET_GOALS,
    SHEET_INDICATORS,
    SHEET_INSTRUCTIONS,
    SHEET_LISTS,
    SHEET_LOCAL_VALUES,
    SHEET_TARGETS,
    CellKind,
    Column,
    Leaf,
    Role,
    file_label,
    file_leaves,
    forecast_columns,
    forecast_sheet_columns,
    forecast_sheet_name,
    forecast_sheet_year,
    goal_columns,
    indicator_columns,
    local_value_columns,
    target_columns,
    year_of_header,
)

MAX_WORKBOOK_BYTES = 20 * 1024 * 1024  # a kommun's workbook is well under 1 MB
MAX_ROWS = 20_000  # rows read per sheet; no kommun has this many goals or indicators
_TEXT = Leaf((), CellKind.TEXT)
_NUMBER = Leaf((), CellKind.NUMBER)
_YEAR = Leaf((), CellKind.INTEGER)


@dataclass(frozen=True)
class CellRef:
    """A place in the workbook: a sheet, and where known its row and column (1-based)."""

    sheet: str
    row: int | None = None
    column: int | None = None
    header: str | None = None

    def __str__(self) -> str:
        parts = [self.sheet]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            header = f" ({self.header})" if self.header else ""
            parts.append(f"column {get_column_letter(self.column)}{header}")
        elif self.header:
            parts.append(f"column {self.header}")
        return ", ".join(parts)


@dataclass(frozen=True)
class WorkbookProblem:
    workbook: Path
    cell: CellRef
    code: str
    message: str
    fix: str

    def __str__(self) -> str:
        return f"{self.workbook}: {self.cell}: [{self.code}] {self.message}. Fix: {self.fix}"


@dataclass
class ReadWorkbook:
    """A workbook read back: `definition` is set only when it has no problem."""

    path: Path
    definition: GoalFile | None = None
    comments: GoalFileComments = field(default_factory=GoalFileComments)
    problems: list[WorkbookProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. sheets that are not read


@dataclass(frozen=True)
class _Cell:
    raw: CellValue
    ref: CellRef


def _text_path(path: Iterable[object]) -> tuple[str, ...]:
    return tuple(str(part) for part in path)


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[WorkbookProblem] = []
        self.layout_broken = False  # a sheet or column is missing or unknown
        self.cells: dict[tuple[str, ...], CellRef] = {}
        self.file: dict[str, Any] = {}
        self.goals: list[dict[str, Any]] = []
        self.goal_positions: dict[str, int] = {}
        self.indicator_places: dict[str, tuple[int, int]] = {}
        self.dropped_indicators: set[str] = set()  # rows reported already, left out
        self.repeated_indicators: set[str] = set()  # ids of more than one indicator row
        self.unread_columns: dict[str, set[int]] = {}  # by sheet: bad headers, reported
        self.header: tuple[str, ...] = ()
        self.above: dict[DocumentPath, tuple[str, ...]] = {}
        self.trailing: dict[DocumentPath, str] = {}

    def problem(self, ref: CellRef, code: str, message: str, fix: str) -> None:
        self.problems.append(WorkbookProblem(self.path, ref, code, message, fix))

    def layout_problem(self, ref: CellRef, code: str, message: str, fix: str) -> None:
        self.layout_broken = True
        self.problem(ref, code, message, fix)

    # --- cells ------------------------------------------------------------------------------

    def value(self, cell: _Cell, leaf: Leaf) -> object | None:
        """The value of a cell for a field; None when empty or wrong (then reported)."""
        if is_empty(cell.raw):
            return None
        value = value_of(leaf, cell.raw)
        if isinstance(value, CellError):
            self.problem(cell.ref, value.code, value.message, value.fix)
            return None
        return value

    def put(self, target: dict[str, Any], base: DocumentPath, leaf: Leaf, cell: _Cell) -> None:
        """A field's cell into the document below `base`, its place remembered for problems."""
        self.cells[_text_path((*base, *leaf.key))] = cell.ref
        for length in range(1, len(leaf.key)):
            self.cells.setdefault(_text_path((*base, *leaf.key[:length])), cell.ref)
        value = self.value(cell, leaf)
        if value is None:
            return
        node = target
        for part in leaf.key[:-1]:
            node = node.setdefault(part, {})
        node[leaf.key[-1]] = value

    def comments_of(self, path: DocumentPath, trailing: _Cell | None, above: _Cell | None) -> None:
        if trailing is not None and not is_empty(trailing.raw):
            self.trailing[path] = " ".join(str(trailing.raw).split())
        if above is not None and not is_empty(above.raw):
            self.above[path] = tuple(comment_text(line) for line in str(above.raw).splitlines())

    # --- sheets -----------------------------------------------------------------------------

    def rows(
        self, sheet: Any, name: str, columns: Sequence[Column], years: bool = False
    ) -> list[dict[Column, _Cell]]:
        """The table's rows that hold anything editable, each cell by its column."""
        header_row = next(iter(sheet.iter_rows(min_row=1, max_row=1)), ())
        by_column = self.header_map(name, header_row, columns, years)
        rows: list[dict[Column, _Cell]] = []
        for scanned, row in enumerate(sheet.iter_rows(min_row=2), start=1):
            count = next((c.row for c in row if getattr(c, "row", None) is not None), None)
            if count is None:  # a row of empty cells
                continue
            if scanned > MAX_ROWS:
                self.layout_problem(
                    CellRef(name, count),
                    "too_many_rows",
                    f"more than {MAX_ROWS} rows",
                    "delete the empty or extra rows below the table",
                )
                break
            cells: dict[Column, _Cell] = {}
            for cell in row:
                column_number = getattr(cell, "column", None)
                if column_number is None:
                    continue
                column = by_column.get(column_number)
                raw = raw_of_cell(cell.value, getattr(cell, "data_type", None))
                ref = CellRef(name, count, column_number, column.header if column else None)
                if isinstance(raw, CellError):
                    if column is not None and column.editable:
                        self.problem(ref, raw.code, raw.message, raw.fix)
                    raw = None
                if column is None:
                    unread = self.unread_columns.setdefault(name, set())
                    if not is_empty(raw) and column_number not in unread:
                        unread.add(column_number)  # one problem per column
                        self.layout_problem(
                            ref,
                            "unknown_column",
                            "values in a column without a header",
                            "give the column its header, or delete the column",
                        )
                    continue
                cells[column] = _Cell(raw, ref)
            if any(c.editable and not is_empty(v.raw) for c, v in cells.items()):
                for column_number, column in by_column.items():
                    ref = CellRef(name, count, column_number, column.header)
                    cells.setdefault(column, _Cell(None, ref))
                for column in columns:  # a missing column (reported) reads as empty
                    cells.setdefault(column, _Cell(None, CellRef(name, count, None, column.header)))
                rows.append(cells)
        return rows

    def header_map(
        self, name: str, header_row: Sequence[Any], columns: Sequence[Column], years: bool
    ) -> dict[int, Column]:
        expected = {column.header: column for column in columns}
        found: dict[int, Column] = {}
        seen: dict[str, int] = {}
        for cell in header_row:
            number = getattr(cell, "column", None)
            if number is None or is_empty(cell.value):
                continue
            text = str(cell.value).strip()
            year = year_of_header(cell.value) if years else None
            column = expected.get(text)
            if column is None and year is not None:
                column = Column(str(year), Role.VALUE)
                text = str(year)
            ref = CellRef(name, 1, number, text)
            if column is None or text in seen:
                self.unread_columns.setdefault(name, set()).add(number)
            if column is None:
                close = difflib.get_close_matches(text, list(expected), n=1, cutoff=0.6)
                self.layout_problem(
                    ref,
                    "unknown_column",
                    f"{text!r} is not a column of the sheet {name}",
                    f"rename the header back to {close[0]!r}"
                    if close
                    else "give it a header the workbook was written with, or delete the column",
                )
            elif text in seen:
                self.layout_problem(
                    ref,
                    "duplicate_column",
                    f"the column {text!r} is also column {get_column_letter(seen[text])}",
                    "keep one of the two columns",
                )
            else:
                seen[text] = number
                found[number] = column
        for column in columns:
            if column.editable and column.header not in seen:
                self.layout_problem(
                    CellRef(name, 1, None, column.header),
                    "missing_column",
                    f"the column {column.header!r} is missing",
                    "add the column back with exactly this header (its values would be lost)",
                )
        return found

    def read_file_sheet(self, sheet: Any) -> None:
        fields = {file_label(leaf): leaf for leaf in file_leaves()}
        columns = [
            Column(FILE_FIELD_HEADER, Role.FIELD),
            Column(FILE_VALUE_HEADER, Role.VALUE),
            Column(FILE_COMMENT_HEADER, Role.COMMENT),
            Column(FILE_HELP_HEADER, Role.INFO),
        ]
        seen: set[str] = set()
        for row in self.rows(sheet, SHEET_FILE, columns):
            label_cell, value_cell = row[columns[0]], row[columns[1]]
            comment_cell = row[columns[2]]
            label = str(label_cell.raw).strip() if not is_empty(label_cell.raw) else ""
            if label == FILE_HEADER_COMMENT:
                seen.add(label)
                if not is_empty(value_cell.raw):
                    lines = str(value_cell.raw).splitlines()
                    self.header = tuple(comment_text(line) for line in lines)
                continue
            leaf = fields.get(label)
            if leaf is None:
                close = difflib.get_close_matches(label, list(fields), n=1, cutoff=0.6)
                self.layout_problem(
                    label_cell.ref,
                    "unknown_field",
                    f"{label!r} is not a field of the file",
                    f"rename it back to {close[0]!r}" if close else "delete the row",
                )
            elif label in seen:
                self.layout_problem(
                    label_cell.ref, "duplicate_field", f"{label!r} is given twice", "keep one row"
                )
            else:
                seen.add(label)
                self.put(self.file, (), leaf, value_cell)
                self.comments_of(leaf.key, comment_cell, None)
        for label in [*fields, FILE_HEADER_COMMENT]:
            if label not in seen:
                self.layout_problem(
                    CellRef(SHEET_FILE, None, 1, FILE_FIELD_HEADER),
                    "missing_field",
                    f"the row {label!r} is missing",
                    f"add a row with {label!r} in the column {FILE_FIELD_HEADER}",
                )

    def read_goals(self, sheet: Any) -> None:
        columns = goal_columns()
        self.cells[("goals",)] = CellRef(SHEET_GOALS)
        for row in self.rows(sheet, SHEET_GOALS, columns):
            goal: dict[str, Any] = {}
            base: DocumentPath = ("goals", len(self.goals))
            self.cells[_text_path(base)] = self.id_cell(row, columns).ref
            self.fields_of(row, columns, goal, base)
            goal_id = goal.get("id")
            if isinstance(goal_id, str):
                self.goal_positions.setdefault(goal_id, len(self.goals))
            self.goals.append(goal)

    def id_column(self, columns: Sequence[Column]) -> Column:
        return next(c for c in columns if c.leaf is not None and c.leaf.name == "id")

    def id_cell(self, row: dict[Column, _Cell], columns: Sequence[Column]) -> _Cell:
        return row[self.id_column(columns)]

    def fields_of(
        self,
        row: dict[Column, _Cell],
        columns: Sequence[Column],
        target: dict[str, Any],
        base: DocumentPath,
    ) -> None:
        trailing = above = None
        for column in columns:
            if column.leaf is not None:
                self.put(target, base, column.leaf, row[column])
            elif column.role is Role.COMMENT:
                trailing = row[column]
            elif column.role is Role.COMMENT_ABOVE:
                above = row[column]
        self.comments_of(base, trailing, above)

    def read_indicators(self, sheet: Any) -> None:
        columns = indicator_columns()
        goal_column = next(c for c in columns if c.role is Role.GOAL)
        for row in self.rows(sheet, SHEET_INDICATORS, columns):
            goal_cell = row[goal_column]
            goal_id = self.value(goal_cell, _TEXT)
            position = self.goal_positions.get(str(goal_id)) if goal_id is not None else None
            if position is None:
                indicator_id = self.value(row[self.id_column(columns)], _TEXT)
                self.dropped_indicators.add(str(indicator_id))
                self.problem(
                    goal_cell.ref,
                    "unknown_goal",
                    f"goal {goal_id!r} is not on the sheet {SHEET_GOALS}"
                    if goal_id is not None
                    else "the indicator names no goal",
                    f"write the Mål-id of a goal on the sheet {SHEET_GOALS}",
                )
                continue
            indicators = self.goals[position].setdefault("indicators", [])
            base: DocumentPath = ("goals", position, "indicators", len(indicators))
            self.cells[_text_path(base)] = self.id_cell(row, columns).ref
            indicator: dict[str, Any] = {}
            self.fields_of(row, columns, indicator, base)
            indicators.append(indicator)
            if isinstance(indicator.get("id"), str):
                if indicator["id"] in self.indicator_places:
                    self.repeated_indicators.add(indicator["id"])
                self.indicator_places.setdefault(indicator["id"], (position, len(indicators) - 1))

    def indicator_of(
        self, row: dict[Column, _Cell], column: Column, sheet: str
    ) -> tuple[dict[str, Any], DocumentPath] | None:
        cell = row[column]
        indicator_id = self.value(cell, _TEXT)
        place = self.indicator_places.get(str(indicator_id)) if indicator_id is not None else None
        if place is None and str(indicator_id) in self.dropped_indicators:
            return None  # its row on the indicator sheet is reported
        if str(indicator_id) in self.repeated_indicators:
            self.problem(
                cell.ref,
                "ambiguous_indicator",
                f"more than one row on the sheet {SHEET_INDICATORS} has the id {indicator_id!r}, "
                "so this row cannot say which it is for",
                f"give every indicator on the sheet {SHEET_INDICATORS} its own id",
            )
            return None
        if place is None:
            self.problem(
                cell.ref,
                "unknown_indicator",
                f"indicator {indicator_id!r} is not on the sheet {SHEET_INDICATORS}"
                if indicator_id is not None
                else "the row names no indicator",
                f"write the Indikator-id of an indicator on the sheet {SHEET_INDICATORS}, "
                "or delete the row",
            )
            return None
        goal, position = place
        base: DocumentPath = ("goals", goal, "indicators", position)
        return self.goals[goal]["indicators"][position], base

    def read_targets(self, sheet: Any) -> None:
        columns = target_columns([])
        key = next(c for c in columns if c.role is Role.INDICATOR)
        seen: set[DocumentPath] = set()
        for row in self.rows(sheet, SHEET_TARGETS, columns, years=True):
            found = self.indicator_of(row, key, SHEET_TARGETS)
            if found is None:
                continue
            indicator, base = found
            if self.repeated(base, seen, row[key].ref, "indicator"):
                continue
            for column, cell in row.items():
                year = year_of_header(column.header) if column.role is Role.VALUE else None
                if year is None:
                    continue
                self.cells[_text_path((*base, "targets", year))] = cell.ref
                self.cells.setdefault(_text_path((*base, "targets")), cell.ref)
                value = self.value(cell, _NUMBER)
                if value is not None:
                    indicator.setdefault("targets", {})[year] = value

    def repeated(self, key: DocumentPath, seen: set[DocumentPath], ref: CellRef, what: str) -> bool:
        if key in seen:
            self.problem(
                ref,
                "duplicate_row",
                f"a second row for the same {what}",
                "keep one row: put its values on the first and delete this one",
            )
            return True
        seen.add(key)
        return False

    def year_rows(
        self, sheet: Any, name: str, columns: Sequence[Column]
    ) -> Iterable[tuple[dict[str, Any], DocumentPath, int, dict[Column, _Cell]]]:
        """Rows of one indicator and year: the indicator, its place, the year and the row."""
        key = next(c for c in columns if c.role is Role.INDICATOR)
        year_column = next(c for c in columns if c.role is Role.YEAR)
        seen: set[DocumentPath] = set()
        for row in self.rows(sheet, name, columns):
            found = self.indicator_of(row, key, name)
            year = self.value(row[year_column], _YEAR)
            if year is None and is_empty(row[year_column].raw):
                self.problem(
                    row[year_column].ref, "missing_year", "the row has no year", "write the year"
                )
            if found is None or not isinstance(year, int):
                continue
            indicator, base = found
            if not self.repeated((*base, year), seen, row[year_column].ref, "indicator and year"):
                yield indicator, base, year, row

    def read_forecasts(self, sheet: Any, sheet_years: set[int]) -> None:
        columns = forecast_columns()
        value_column = next(c for c in columns if c.role is Role.VALUE)
        note_column = next(c for c in columns if c.role is Role.NOTE)
        for indicator, base, year, row in self.year_rows(sheet, SHEET_FORECASTS, columns):
            if year in sheet_years:
                self.problem(
                    row[value_column].ref,
                    "forecast_on_two_sheets",
                    f"the forecasts for {year} are on the sheet {forecast_sheet_name(year)}",
                    "give the forecast there and delete this row",
                )
                continue
            self.forecast(indicator, base, year, row[value_column], row[note_column])

    def forecast(
        self, indicator: dict[str, Any], base: DocumentPath, year: int, value: _Cell, note: _Cell
    ) -> None:
        at = (*base, "forecasts", year)
        self.cells[_text_path(at)] = value.ref
        self.cells[_text_path((*at, "value"))] = value.ref
        self.cells[_text_path((*at, "note"))] = note.ref
        self.cells.setdefault(_text_path((*base, "forecasts")), value.ref)
        number = self.value(value, _NUMBER)
        text = self.value(note, _TEXT)
        if number is None:
            if is_empty(value.raw) and text is not None:
                self.problem(
                    value.ref,
                    "forecast_without_value",
                    "a note without a forecast",
                    "write the forecast value, or delete the note",
                )
            indicator.get("forecasts", {}).pop(year, None)
            return
        forecast = number if text is None else {"value": number, "note": text}
        indicator.setdefault("forecasts", {})[year] = forecast

    def read_local_values(self, sheet: Any) -> None:
        columns = local_value_columns()
        value_column = next(c for c in columns if c.role is Role.VALUE)
        for indicator, base, year, row in self.year_rows(sheet, SHEET_LOCAL_VALUES, columns):
            cell = row[value_column]
            self.cells[_text_path((*base, "local", "values", year))] = cell.ref
            self.cells.setdefault(_text_path((*base, "local", "values")), cell.ref)
            value = self.value(cell, _NUMBER)
            if value is not None or is_empty(cell.raw):
                local = indicator.setdefault("local", {})
                local.setdefault("values", {})[year] = value

    def read_forecast_sheet(self, sheet: Any, name: str, year: int) -> None:
        columns = forecast_sheet_columns()
        key = next(c for c in columns if c.role is Role.INDICATOR)
        value_column = next(c for c in columns if c.role is Role.VALUE)
        note_column = next(c for c in columns if c.role is Role.NOTE)
        seen: set[DocumentPath] = set()
        for row in self.rows(sheet, name, columns):
            found = self.indicator_of(row, key, name)
            if found is not None and not self.repeated(found[1], seen, row[key].ref, "indicator"):
                self.forecast(*found, year, row[value_column], row[note_column])

    def locate(self, at: Sequence[object]) -> CellRef:
        """The cell of the deepest part of a document path the workbook has."""
        keys = _text_path(at)
        while keys:
            if keys in self.cells:
                return self.cells[keys]
            keys = keys[:-1]
        return CellRef(SHEET_FILE)

    def document(self) -> dict[str, Any]:
        """The goal file; each indicator's years in order, whichever sheet gave them."""
        for goal in self.goals:
            for indicator in goal.get("indicators", []):
                for years in (indicator, indicator.get("local") or {}):
                    for key in ("targets", "forecasts", "values"):
                        if isinstance(years.get(key), dict):
                            years[key] = dict(sorted(years[key].items()))
        return {**self.file, "goals": self.goals}

    def comments(self) -> GoalFileComments:
        return GoalFileComments(self.header, self.above, self.trailing)


def _open(path: Path, reader: _Reader) -> Any | None:
    try:
        data = read_bounded_bytes(path, MAX_WORKBOOK_BYTES)
    except GoalFileRefused as refused:
        reader.problem(CellRef("(workbook)"), refused.code, refused.message, refused.fix)
        return None
    except OSError as error:
        reader.problem(
            CellRef("(workbook)"), "unreadable", error.strerror or str(error), "check the path"
        )
        return None
    try:
        with warnings.catch_warnings():  # openpyxl warns of Excel features it does not read
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        reader.problem(
            CellRef("(workbook)"),
            "unreadable",
            f"not an Excel workbook (.xlsx): {type(error).__name__}",
            "save the file as an Excel workbook (.xlsx)",
        )
        return None


def read_goal_workbook(path: Path, catalogue: Catalogue, yaml_path: Path) -> ReadWorkbook:
    """The goal file a workbook holds, checked as if it were written to `yaml_path` (its name
    is checked, local CSVs are looked for beside it)."""
    reader = _Reader(path)
    result = ReadWorkbook(path)
    book = _open(path, reader)
    if book is None:
        result.problems = reader.problems
        return result
    try:
        names = list(book.sheetnames)
        for name in REQUIRED_SHEETS:
            if name not in names:
                reader.layout_problem(
                    CellRef(name),
                    "missing_sheet",
                    f"the sheet {name!r} is missing",
                    "put the sheet back (write a new workbook with `goals to-xlsx` and copy it "
                    "from there)",
                )
        sheet_years = {
            year: name for name in names if (year := forecast_sheet_year(name)) is not None
        }
        known = {*REQUIRED_SHEETS, SHEET_INSTRUCTIONS, SHEET_LISTS, *sheet_years.values()}
        result.notes = [f"the sheet {name!r} is not read" for name in names if name not in known]
        if SHEET_FILE in names:
            reader.read_file_sheet(book[SHEET_FILE])
        if SHEET_GOALS in names:
            reader.read_goals(book[SHEET_GOALS])
        if SHEET_INDICATORS in names:
            reader.read_indicators(book[SHEET_INDICATORS])
        if SHEET_TARGETS in names:
            reader.read_targets(book[SHEET_TARGETS])
        if SHEET_FORECASTS in names:
            reader.read_forecasts(book[SHEET_FORECASTS], set(sheet_years))
        if SHEET_LOCAL_VALUES in names:
            reader.read_local_values(book[SHEET_LOCAL_VALUES])
        for year, name in sorted(sheet_years.items()):
            reader.read_forecast_sheet(book[name], name, year)
    finally:
        book.close()
    result.comments = reader.comments()
    if not reader.layout_broken:
        checked = validate_goal_document(reader.document(), catalogue, yaml_path)
        reported = {problem.cell for problem in reader.problems}
        for problem in checked.problems:
            cell = reader.locate(problem.at)
            if cell not in reported:  # a cell that could not be read is not empty either
                reader.problem(cell, problem.code, problem.message, problem.fix)
        if not reader.problems:
            result.definition = checked.definition
    result.problems = reader.problems
    return result
