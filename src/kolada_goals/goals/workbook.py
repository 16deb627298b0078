"""A goal file as an Excel workbook that the goals' owners edit (the layout is in
workbook_columns; workbook_read reads it back through the same checks as `goals validate`).

Text from goal files and from Kolada may read `=HYPERLINK(...)`: every text is written as a
string, never as a formula or a link.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import xlsxwriter
from pydantic import BaseModel
from xlsxwriter.format import Format
from xlsxwriter.utility import quote_sheetname, xl_col_to_name
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from kolada_goals.goals.catalogue import Catalogue
from kolada_goals.goals.comments import DocumentPath, GoalFileComments
from kolada_goals.goals.model import Goal, GoalFile, Indicator
from kolada_goals.goals.source import place
from kolada_goals.goals.workbook_cells import EXCEL_TEXT_LIMIT, CellValue, cell_of
from kolada_goals.goals.workbook_columns import (
    BASIS_NOTE,
    BOOLEAN_CHOICES,
    COUNTY_MEAN,
    FILE_COMMENT_HEADER,
    FILE_FIELD_HEADER,
    FILE_HEADER_COMMENT,
    FILE_HELP_HEADER,
    FILE_VALUE_HEADER,
    KPI_TITLE,
    KPI_UNIT,
    LATEST_PERIOD,
    LATEST_VALUE,
    LIST_SEPARATOR,
    MANUAL_FORECAST,
    MANUAL_NOTE,
    SHEET_FILE,
    SHEET_FORECASTS,
    SHEET_GOALS,
    SHEET_INDICATORS,
    SHEET_INSTRUCTIONS,
    SHEET_LISTS,
    SHEET_LOCAL_VALUES,
    SHEET_TARGETS,
    TARGET_INFO,
    TREND_FORECAST,
    CellKind,
    Column,
    Leaf,
    Role,
    file_label,
    file_leaves,
    forecast_columns,
    forecast_sheet_columns,
    forecast_sheet_name,
    goal_columns,
    indicator_columns,
    local_value_columns,
    target_columns,
)
from kolada_goals.goals.workbook_forecast import ForecastSheet
from kolada_goals.outputs.export import XLSX_OPTIONS
from kolada_goals.units import kpi_unit

EXTRA_ROWS = 500  # rows below a table that get its drop-down lists, for rows added by hand
MAX_WIDTH = 60
TEXT_KINDS = frozenset({CellKind.TEXT, CellKind.CHOICE, CellKind.TEXT_LIST, CellKind.YAML})
COLOURS = {"header": "#DDEBF7", "info": "#F2F2F2", "info_text": "#595959"}


def _is_item(path: DocumentPath) -> bool:
    """A goal, ('goals', 3), or an indicator, ('goals', 3, 'indicators', 0)."""
    shape = [type(part) for part in path]
    return (
        shape in ([str, int], [str, int, str, int])
        and path[0] == "goals"
        and (len(path) == 2 or path[2] == "indicators")
    )


def _file_comment_rows(comments: GoalFileComments) -> dict[DocumentPath, DocumentPath]:
    """The Fil row (its field's key) that carries each end-of-line comment at one of the file's
    own keys: the first field at or below the key, so that `reference: {kind: county}  # ...`
    goes with the reference's kind. A second comment for the same row is not carried."""
    keys = [leaf.key for leaf in file_leaves()]
    rows: dict[DocumentPath, DocumentPath] = {}
    for path in comments.trailing:
        row = next((key for key in keys if key[: len(path)] == path), None)
        if row is not None and row not in rows.values():
            rows[path] = row
    return rows


def carried_comments(comments: GoalFileComments) -> tuple[GoalFileComments, list[str]]:
    """The comments the workbook has columns for (the header; the end of the line of a field
    of the file; the lines above and the end of the first line of a goal or an indicator), and
    the others, described for a warning. A comment a Fil row carries is moved to its field's
    key, whose line it stays on when the file is written again."""
    file_rows = _file_comment_rows(comments)
    trailing = {path: text for path, text in comments.trailing.items() if _is_item(path)}
    trailing.update({row: comments.trailing[path] for path, row in file_rows.items()})
    carried = GoalFileComments(
        comments.header,
        {path: texts for path, texts in comments.above.items() if _is_item(path)},
        trailing,
    )
    dropped = [f"line {c.line}: # {c.text}" for c in comments.loose]
    dropped += [
        f"above {place(path)}: # {text}"
        for path, texts in comments.above.items()
        if not _is_item(path)
        for text in texts
    ]
    dropped += [
        f"at {place(path)}: # {text}"
        for path, text in comments.trailing.items()
        if not _is_item(path) and path not in file_rows
    ]
    return carried, dropped


def field_value(model: BaseModel | None, key: Sequence[str]) -> object:
    """The value a model set for a field (a path through nested models); None when unset. The
    kind of a reference or rule is always given, so that a default kind is not lost."""
    current: object = model
    for position, part in enumerate(key):
        if not isinstance(current, BaseModel) or part not in type(current).model_fields:
            return None
        last = position == len(key) - 1
        if part not in current.model_fields_set and not (last and part == "kind"):
            return None
        current = getattr(current, part)
    return current


def _text_width(value: CellValue) -> int:
    if value is None:
        return 0
    text = value if isinstance(value, str) else str(value)
    return max((len(line) for line in text.splitlines()), default=0)


class _Writer:
    def __init__(self, book: Workbook, catalogue: Catalogue) -> None:
        self.book = book
        self.catalogue = catalogue
        self.lists: dict[tuple[str, ...], tuple[str, int]] = {}  # values -> (name, column)
        bold = {"bold": True, "valign": "top"}
        self.header = book.add_format({**bold, "bg_color": COLOURS["header"], "border": 1})
        self.info = book.add_format({"bg_color": COLOURS["info"], "font_color": "#595959"})
        self.text = book.add_format({"num_format": "@"})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.bold = book.add_format(bold)

    def list_source(self, name: str, values: Sequence[str]) -> str:
        key = tuple(values)
        if key not in self.lists:
            self.lists[key] = (name, len(self.lists))
        letter = xl_col_to_name(self.lists[key][1])
        return f"={quote_sheetname(SHEET_LISTS)}!${letter}$2:${letter}${len(values) + 1}"

    def validation(self, leaf: Leaf | None, choices: Sequence[str] = ()) -> dict[str, Any] | None:
        """Excel's check of what is typed into a cell of this field."""
        if choices:
            return self._list(leaf.name if leaf else "values", choices)
        if leaf is None:
            return None
        if leaf.kind is CellKind.CHOICE:
            return self._list(leaf.name, [str(choice) for choice in leaf.choices])
        if leaf.kind is CellKind.BOOLEAN:
            return self._list("ja/nej", BOOLEAN_CHOICES)
        if leaf.kind in (CellKind.INTEGER, CellKind.NUMBER):
            return number_validation(whole=leaf.kind is CellKind.INTEGER)
        return None

    def _list(self, name: str, values: Sequence[str], stop: bool = True) -> dict[str, Any]:
        return {
            "validate": "list",
            "source": self.list_source(name, values),
            "error_type": "stop" if stop else "warning",
            "error_title": "Inte ett av värdena i listan",
            "error_message": "Välj ett värde ur listan (se fliken Instruktioner).",
        }

    def kpi_validation(self) -> dict[str, Any] | None:
        kpi_ids = sorted(self.catalogue.kpis)
        if not kpi_ids:
            return None
        # A warning only: Kolada may have published the KPI after this catalogue was read.
        options = self._list("kpi", kpi_ids, stop=False)
        options["error_message"] = "KPI-id:t finns inte i Koladas katalog. Kontrollera id:t."
        return options

    def cell(
        self, sheet: Worksheet, row: int, column: int, value: CellValue, fmt: Format | None
    ) -> None:
        if value is None:
            return
        if isinstance(value, bool):
            sheet.write_boolean(row, column, value, fmt)
        elif isinstance(value, int | float):
            sheet.write_number(row, column, value, fmt)
        else:
            if len(value) > EXCEL_TEXT_LIMIT:
                raise ValueError(
                    f"a text of {len(value)} characters is longer than an Excel cell holds "
                    f"({EXCEL_TEXT_LIMIT}): shorten it in the YAML file"
                )
            sheet.write_string(row, column, value, fmt)

    def table(
        self,
        name: str,
        columns: Sequence[Column],
        rows: Sequence[Sequence[CellValue]],
        validations: dict[int, dict[str, Any] | None],
        frozen_columns: int = 0,
    ) -> Worksheet:
        sheet = self.book.add_worksheet(name)
        for index, column in enumerate(columns):
            sheet.write_string(0, index, column.header, self.header)
            widest = max((_text_width(row[index]) for row in rows), default=0)
            width = min(MAX_WIDTH, max(column.width, len(column.header) + 2, widest + 2))
            sheet.set_column(index, index, width, self.column_format(column))
            if column.help:
                sheet.write_comment(0, index, column.help)
        for row_index, row in enumerate(rows, start=1):
            for index, value in enumerate(row):
                fmt = self.info if not columns[index].editable else None
                self.cell(sheet, row_index, index, value, fmt)
        last_row = len(rows) + EXTRA_ROWS
        for index, options in validations.items():
            if options is not None:
                sheet.data_validation(1, index, last_row, index, options)
        sheet.freeze_panes(1, frozen_columns)
        sheet.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)
        return sheet

    def column_format(self, column: Column) -> Format | None:
        """Grey for information; text for ids and words, so that Excel keeps 0331 and 1.10."""
        if not column.editable:
            return self.info
        if column.leaf is not None:
            return self.text if column.leaf.kind in TEXT_KINDS else None
        return None if column.role in (Role.VALUE, Role.YEAR) else self.text

    def lists_sheet(self) -> None:
        sheet = self.book.add_worksheet(SHEET_LISTS)
        for values, (name, column) in self.lists.items():
            sheet.write_string(0, column, name, self.bold)
            for row, value in enumerate(values, start=1):
                self.cell(sheet, row, column, value, None)
        sheet.hide()


def number_validation(whole: bool) -> dict[str, Any]:
    return {
        "validate": "integer" if whole else "decimal",
        "criteria": "between",
        "minimum": -(10**15),
        "maximum": 10**15,
        "error_title": "Inte ett tal",
        "error_message": "Skriv ett heltal." if whole else "Skriv ett tal, t.ex. 7,5.",
    }


def _help_of(leaf: Leaf) -> str:
    if leaf.kind is CellKind.CHOICE:
        return "Välj ur listan: " + ", ".join(str(choice) for choice in leaf.choices)
    return {
        CellKind.INTEGER: "Heltal.",
        CellKind.NUMBER: "Tal.",
        CellKind.BOOLEAN: "ja eller nej.",
        CellKind.TEXT_LIST: f"Flera värden åtskilda med {LIST_SEPARATOR}",
        CellKind.YAML: "Som i YAML-filen, t.ex. {nyckel: värde}.",
    }.get(leaf.kind, "Text.")


def _file_sheet(writer: _Writer, definition: GoalFile, comments: GoalFileComments) -> None:
    sheet = writer.book.add_worksheet(SHEET_FILE)
    headers = (
        (FILE_FIELD_HEADER, 40, writer.info),
        (FILE_VALUE_HEADER, 80, writer.text),
        (FILE_COMMENT_HEADER, 30, writer.text),
        (FILE_HELP_HEADER, 50, writer.info),
    )
    for column, (header, width, fmt) in enumerate(headers):
        sheet.write_string(0, column, header, writer.header)
        sheet.set_column(column, column, width, fmt)
    rows: list[tuple[str, CellValue, CellValue, str, dict[str, Any] | None]] = []
    for leaf in file_leaves():
        value = cell_of(leaf, field_value(definition, leaf.key))
        comment: CellValue = comments.trailing.get(leaf.key)
        rows.append((file_label(leaf), value, comment, _help_of(leaf), writer.validation(leaf)))
    header_text = "\n".join(comments.header) or None
    rows.append((FILE_HEADER_COMMENT, header_text, None, "En rad per kommentarrad (# …).", None))
    for index, (label, value, comment, help_text, options) in enumerate(rows, start=1):
        writer.cell(sheet, index, 0, label, writer.info)
        fmt = writer.wrap if isinstance(value, str) and "\n" in value else None
        writer.cell(sheet, index, 1, value, fmt)
        writer.cell(sheet, index, 2, comment, None)
        writer.cell(sheet, index, 3, help_text, writer.info)
        if options is not None:
            sheet.data_validation(index, 1, index, 1, options)
    sheet.freeze_panes(1, 1)


def _comment_cells(comments: GoalFileComments, path: DocumentPath) -> list[CellValue]:
    above = comments.above.get(path)
    return [comments.trailing.get(path), "\n".join(above) if above else None]


def _model_row(model: BaseModel, columns: Sequence[Column]) -> list[CellValue]:
    return [
        cell_of(column.leaf, field_value(model, column.leaf.key)) if column.leaf else None
        for column in columns
    ]


def _goal_rows(definition: GoalFile, comments: GoalFileComments) -> list[list[CellValue]]:
    columns = goal_columns()
    rows = []
    for index, goal in enumerate(definition.goals):
        row = _model_row(goal, columns)
        row[-2:] = _comment_cells(comments, ("goals", index))
        rows.append(row)
    return rows


def _kpi_title(catalogue: Catalogue, indicator: Indicator) -> str | None:
    facts = catalogue.kpis.get(indicator.kpi) if indicator.kpi else None
    return facts.title if facts else None


def _indicator_rows(
    definition: GoalFile, comments: GoalFileComments, catalogue: Catalogue
) -> list[list[CellValue]]:
    columns = indicator_columns()
    rows = []
    for goal_index, goal, indicator_index, indicator in _indicators(definition):
        row = _model_row(indicator, columns)
        title = _kpi_title(catalogue, indicator)
        for index, column in enumerate(columns):
            if column.role is Role.GOAL:
                row[index] = goal.id
            elif column is KPI_TITLE:
                row[index] = title
            elif column is KPI_UNIT:
                row[index] = kpi_unit(title).label if title else None
        row[-2:] = _comment_cells(comments, ("goals", goal_index, "indicators", indicator_index))
        rows.append(row)
    return rows


def _indicators(definition: GoalFile) -> list[tuple[int, Goal, int, Indicator]]:
    return [
        (goal_index, goal, indicator_index, indicator)
        for goal_index, goal in enumerate(definition.goals)
        for indicator_index, indicator in enumerate(goal.indicators)
    ]


def _title_and_unit(catalogue: Catalogue, indicator: Indicator) -> tuple[str | None, str | None]:
    kpi_title = _kpi_title(catalogue, indicator)
    title = indicator.title or kpi_title
    if indicator.local is not None:
        return title, indicator.local.unit
    return title, kpi_unit(kpi_title).label if kpi_title else None


def target_years(definition: GoalFile) -> list[int]:
    """The years of the file's and the goals' mandates, and every year with a target."""
    years: set[int] = set()
    for mandate in [definition.mandate, *(goal.mandate for goal in definition.goals)]:
        if mandate is not None:
            years.update(range(mandate.first_year, mandate.last_year + 1))
    for _, _, _, indicator in _indicators(definition):
        years.update(indicator.targets)
    return sorted(years)


def _target_rows(
    definition: GoalFile, catalogue: Catalogue, years: list[int]
) -> list[list[CellValue]]:
    rows: list[list[CellValue]] = []
    for _, goal, _, indicator in _indicators(definition):
        title, unit = _title_and_unit(catalogue, indicator)
        targets: list[CellValue] = [indicator.targets.get(year) for year in years]
        rows.append([goal.id, indicator.id, title, unit, *targets])
    return rows


def _forecast_rows(definition: GoalFile, skip_year: int | None) -> list[list[CellValue]]:
    rows: list[list[CellValue]] = []
    for _, _, _, indicator in _indicators(definition):
        for year in indicator.forecasts:
            if year != skip_year:
                forecast = indicator.forecast(year)
                rows.append([indicator.id, year, forecast.value, forecast.note])
    return rows


def _local_value_rows(definition: GoalFile) -> list[list[CellValue]]:
    return [
        [indicator.id, year, value]
        for _, _, _, indicator in _indicators(definition)
        if indicator.local is not None
        for year, value in (indicator.local.values or {}).items()
    ]


def _basis_note(definition: GoalFile, indicator: Indicator, sheet: ForecastSheet) -> str | None:
    basis = sheet.basis.get(indicator.id)
    gender = indicator.gender or definition.defaults.gender
    if basis is None:
        return "Indikatorn finns inte i databasen ännu: kör kolada-goals run."
    if (basis.kpi_id, basis.gender) != (indicator.kpi, gender):
        return (
            f"Databasen följer indikatorn med KPI {basis.kpi_id or '(eget mått)'}, kön "
            f"{basis.gender}: värdena visas inte. Kör kolada-goals run med den här filen."
        )
    if basis.trend_value is None:
        return "Ingen trendprognos: för få värden de fem åren före."
    return None


def _forecast_sheet_rows(
    definition: GoalFile, catalogue: Catalogue, sheet: ForecastSheet
) -> list[list[CellValue]]:
    columns = forecast_sheet_columns()
    rows = []
    for _, goal, _, indicator in _indicators(definition):
        title, unit = _title_and_unit(catalogue, indicator)
        note = _basis_note(definition, indicator, sheet)
        basis = sheet.basis.get(indicator.id)
        shown = basis if basis is not None and (note is None or note.startswith("Ingen")) else None
        manual = indicator.forecast(sheet.year) if sheet.year in indicator.forecasts else None
        values: dict[Column, CellValue] = {
            LATEST_VALUE: shown.latest_value if shown else None,
            LATEST_PERIOD: shown.latest_period if shown else None,
            COUNTY_MEAN: shown.county_mean if shown else None,
            TREND_FORECAST: shown.trend_value if shown else None,
            TARGET_INFO: indicator.targets.get(sheet.year),
            MANUAL_FORECAST: manual.value if manual else None,
            MANUAL_NOTE: manual.note if manual else None,
            BASIS_NOTE: note,
        }
        fixed = [goal.id, indicator.id, title, indicator.kpi, unit]
        rows.append([*fixed, *(values.get(column) for column in columns[len(fixed) :])])
    return rows


def _instructions(
    writer: _Writer, definition: GoalFile, yaml_name: str, forecast_year: int | None
) -> None:
    sheet = writer.book.add_worksheet(SHEET_INSTRUCTIONS)
    sheet.set_column(0, 0, 120, writer.wrap)
    command = f"kolada-goals goals from-xlsx <den här filen>.xlsx --out data/goals/{yaml_name}"
    forecast_sheet = forecast_sheet_name(forecast_year) if forecast_year else "Prognos ÅÅÅÅ"
    lines: list[tuple[str, Format | None]] = [
        (f"Mål och indikatorer för {definition.name} ({definition.kommun})", writer.title),
        (
            f"Arbetsboken är kommunens måldefinitioner (filen {yaml_name}) som tabeller. "
            "Ändra och fyll i här; läs sedan tillbaka arbetsboken till YAML-filen med:",
            None,
        ),
        (command, writer.bold),
        (
            "Allt kontrolleras som av kolada-goals goals validate (formatet, Koladas katalog "
            "och måltrappan). Alla fel visas på en gång, vart och ett med flik, rad, kolumn "
            "(bokstav och rubrik) och hur det rättas. YAML-filen skrivs bara när hela "
            "arbetsboken är felfri, och en befintlig fil skrivs bara över med --force.",
            None,
        ),
        ("Flikarna", writer.bold),
        (
            f"{SHEET_FILE}: kommunen, visionen, mandatperioden, nivåerna och standardvärdena, "
            f"ett fält per rad. Ändra i kolumnen {FILE_VALUE_HEADER}.",
            None,
        ),
        (
            f"{SHEET_GOALS}: måltrappan, ett mål per rad. Överordnat mål är id:t för målet "
            "ovanför (tomt på översta nivån). Nivå väljs ur listan med filens nivåer.",
            None,
        ),
        (
            f"{SHEET_INDICATORS}: en indikator per rad; Mål-id är målet den mäter. Ange "
            "antingen ett KPI-id ur Koladas katalog (listan) eller ett eget mått (Eget mått: "
            f"enhet och Egen titel, med värden på fliken {SHEET_LOCAL_VALUES}). Kön, Riktning, "
            "Referens och Regel väljs ur listor; kolumnerna Referens: … och Regel: … är deras "
            "parametrar (tomt: standardvärdet). KPI-titel och enhet i Kolada är bara info.",
            None,
        ),
        (
            f"{SHEET_TARGETS}: en rad per indikator och en kolumn per år; skriv målvärdet "
            "under året, lämna tomt där inget målvärde finns. Åren som kolumner gör att hela "
            "mandatperiodens målvärden syns på en rad. Ett nytt år läggs till som en ny "
            "kolumn med året som rubrik. Målvärden utanför mandatperioden är fel.",
            None,
        ),
        (
            f"{SHEET_FORECASTS}: manuella prognoser, en rad per indikator och år: prognosen "
            "och en notering om var den kommer ifrån.",
            None,
        ),
        (
            f"{SHEET_LOCAL_VALUES}: kommunens egna värden för egna mått, en rad per "
            "indikator och år (tomt värde: inget värde det året).",
            None,
        ),
        (
            f"{forecast_sheet}: delårsrapportens prognoser för året (finns när arbetsboken "
            "skapats med --forecast-year). Per indikator senaste värdet och dess period, "
            "länets snitt samma period och trendprognosen som statusen annars bygger på. "
            "Fyll i Manuell prognos och Motivering/notering; de ersätter årets rad under "
            "forecasts i YAML-filen (töm båda för att ta bort årets prognos).",
            None,
        ),
        ("Kolumner och rader", writer.bold),
        (
            "Rubrikraden (rad 1) är kolumnernas nycklar: kolumner får flyttas men inte byta "
            "namn eller tas bort. Grå kolumner märkta (info) läses inte tillbaka.",
            None,
        ),
        (
            "Ny rad: skriv på första tomma raden under tabellen; tomma rader hoppas över. Ett "
            "nytt mål behöver Mål-id och Målformulering; en ny indikator Mål-id, Indikator-id "
            f"och KPI-id eller eget mått, och en egen rad på fliken {SHEET_TARGETS} för sina "
            "målvärden. Ta bort en indikator: ta bort dess rader på alla flikar.",
            None,
        ),
        (
            "Tal skrivs som tal (7,5 eller 7.5). Formler läses inte: skriv värdet. Flera "
            f"värden i en cell (Nivåer, Referens: kommuner) skiljs med {LIST_SEPARATOR}.",
            None,
        ),
        (
            "Kommentar och Kommentarrader ovanför är YAML-filens kommentarer (# …) vid målet, "
            f"indikatorn eller fältet på fliken {SHEET_FILE}, t.ex. rubriker som "
            "# --- Målområde 1 ---; de skrivs tillbaka.",
            None,
        ),
        (
            "En kolumn vars rubrik är ett fältnamn (t.ex. cost_quality) är ett fält utan "
            "svensk rubrik ännu; kolumner märkta YAML skrivs som i YAML-filen, t.ex. "
            "{quality: kvalitet-id, cost: kostnad-id}.",
            None,
        ),
    ]
    for row, (text, fmt) in enumerate(lines):
        sheet.write_string(row, 0, text, fmt)


Validations = dict[int, dict[str, Any] | None]  # Excel's checks, by column


def _goals_sheet(writer: _Writer, definition: GoalFile, comments: GoalFileComments) -> None:
    columns = goal_columns()
    validations: Validations = {i: writer.validation(c.leaf) for i, c in enumerate(columns)}
    level = next(i for i, c in enumerate(columns) if c.leaf and c.leaf.name == "level")
    if definition.levels:
        validations[level] = writer.validation(columns[level].leaf, definition.levels)
    writer.table(SHEET_GOALS, columns, _goal_rows(definition, comments), validations, 1)


def _indicators_sheet(
    writer: _Writer, definition: GoalFile, comments: GoalFileComments, catalogue: Catalogue
) -> None:
    columns = indicator_columns()
    validations: Validations = {i: writer.validation(c.leaf) for i, c in enumerate(columns)}
    kpi = next(i for i, c in enumerate(columns) if c.leaf and c.leaf.name == "kpi")
    validations[kpi] = writer.kpi_validation()
    rows = _indicator_rows(definition, comments, catalogue)
    writer.table(SHEET_INDICATORS, columns, rows, validations, 2)


def _year_sheets(
    writer: _Writer, definition: GoalFile, catalogue: Catalogue, forecast_year: int | None
) -> None:
    years = target_years(definition)
    columns = target_columns(years)
    numbers: Validations = {
        index: number_validation(whole=False)
        for index, column in enumerate(columns)
        if column.role is Role.VALUE
    }
    writer.table(SHEET_TARGETS, columns, _target_rows(definition, catalogue, years), numbers, 2)
    # Year, then value, on both sheets of one row per indicator and year.
    year_value: Validations = {1: number_validation(whole=True), 2: number_validation(False)}
    rows = _forecast_rows(definition, forecast_year)
    writer.table(SHEET_FORECASTS, forecast_columns(), rows, year_value)
    rows = _local_value_rows(definition)
    writer.table(SHEET_LOCAL_VALUES, local_value_columns(), rows, year_value)


def goal_workbook_bytes(
    definition: GoalFile,
    comments: GoalFileComments,
    catalogue: Catalogue,
    yaml_name: str,
    forecast: ForecastSheet | None = None,
) -> bytes:
    """The workbook of a goal file (its comments as `carried_comments` keeps them)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {**XLSX_OPTIONS, "in_memory": True})
    writer = _Writer(book, catalogue)
    _instructions(writer, definition, yaml_name, forecast.year if forecast else None)
    if forecast is not None:
        columns = forecast_sheet_columns()
        rows = _forecast_sheet_rows(definition, catalogue, forecast)
        manual: Validations = {columns.index(MANUAL_FORECAST): number_validation(whole=False)}
        writer.table(forecast_sheet_name(forecast.year), columns, rows, manual, 2)
    _file_sheet(writer, definition, comments)
    _goals_sheet(writer, definition, comments)
    _indicators_sheet(writer, definition, comments, catalogue)
    _year_sheets(writer, definition, catalogue, forecast.year if forecast else None)
    writer.lists_sheet()
    book.close()
    return buffer.getvalue()
