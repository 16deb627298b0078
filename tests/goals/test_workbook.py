"""The goal workbook: YAML -> xlsx -> YAML loses nothing, the workbook is one a controller can
edit, and every bad cell is named with its sheet, row and column."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, get_args

import duckdb
import openpyxl
import pytest
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from kolada_goals.fake.offline import offline_dataset
from kolada_goals.goals.catalogue import Catalogue, KpiFacts, Municipality
from kolada_goals.goals.comments import GoalFileComments, read_comments
from kolada_goals.goals.model import Direction, Forecast, Gender, GoalFile, Reference, Rule
from kolada_goals.goals.source import decode_utf8, read_goal_yaml
from kolada_goals.goals.template import goal_file_template
from kolada_goals.goals.workbook import carried_comments, goal_workbook_bytes
from kolada_goals.goals.workbook_forecast import read_forecast_sheet
from kolada_goals.goals.workbook_read import ReadWorkbook, read_goal_workbook
from kolada_goals.goals.yaml_writer import goal_file_yaml
from tests.helpers import HOSTILE_GOALS_YAML, HOSTILE_KPI_TITLES, SAMPLES, require_samples
from tests.sample_warehouse import sample_warehouse

ROOT = Path(__file__).resolve().parents[2]
GOALS = ROOT / "data" / "goals"
SHIPPED = sorted(GOALS.glob("*.yaml"))
DOROTEA = GOALS / "2425-dorotea.yaml"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    """Kolada's catalogue from the real samples; without them, the offline run's synthetic one,
    which has every KPI, kommun and group the shipped files name."""
    if SAMPLES.is_dir():
        return Catalogue.from_metadata_folder(SAMPLES / "v3_metadata")
    dataset = offline_dataset(GOALS)
    return Catalogue.from_records(dataset.kpis, dataset.municipalities, dataset.municipality_groups)


def read_yaml(path: Path) -> tuple[GoalFile, GoalFileComments]:
    document, lines, raw = read_goal_yaml(path)
    return GoalFile.model_validate(document), read_comments(decode_utf8(raw), document, lines)


def write_workbook(
    source: Path, catalogue: Catalogue, folder: Path, forecast_year: int | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> Path:  # fmt: skip
    definition, comments = read_yaml(source)
    carried, dropped = carried_comments(comments)
    assert dropped == []
    forecast = None
    if forecast_year is not None:
        assert con is not None
        forecast = read_forecast_sheet(con, definition.kommun, forecast_year)
    path = folder / f"{source.stem}.xlsx"
    path.write_bytes(goal_workbook_bytes(definition, carried, catalogue, source.name, forecast))
    return path


def read_back(path: Path, catalogue: Catalogue, name: str = "2425-dorotea.yaml") -> ReadWorkbook:
    return read_goal_workbook(path, catalogue, path.parent / name)


@pytest.mark.parametrize("source", SHIPPED, ids=lambda path: path.name)
def test_a_shipped_file_goes_to_a_workbook_and_back_unchanged(
    source: Path, catalogue: Catalogue, tmp_path: Path
) -> None:
    definition, comments = read_yaml(source)
    result = read_back(write_workbook(source, catalogue, tmp_path), catalogue, source.name)
    assert result.problems == [] and result.notes == []
    assert result.definition == definition
    assert result.comments == comments
    examples = [i.id for g in definition.goals for i in g.indicators if i.example]
    assert examples
    assert examples == [i.id for g in result.definition.goals for i in g.indicators if i.example]


def header_columns(sheet: Worksheet) -> dict[str, int]:
    return {cell.value: cell.column for cell in sheet[1] if cell.value is not None}


def row_of(sheet: Worksheet, column: int, value: object) -> int:
    return next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, column).value == value)


def list_values(book: Workbook, sheet: Worksheet, column: int) -> list[object]:
    """The values of the drop-down list on a column, read from the range it points at."""
    letter = get_column_letter(column)
    for validation in sheet.data_validations.dataValidation:
        if validation.type == "list" and any(
            letter == get_column_letter(r.min_col) for r in validation.sqref.ranges
        ):
            target, cells = validation.formula1.split("!")
            lists = book[target.strip("'")]
            first_column, first_row, _, last_row = range_boundaries(cells.replace("$", ""))
            return [lists.cell(r, first_column).value for r in range(first_row, last_row + 1)]
    raise AssertionError(f"no list on column {letter} of {sheet.title}")


def kinds(union: object) -> list[str]:
    members = get_args(get_args(union)[0])
    return [get_args(m.model_fields["kind"].annotation)[0] for m in members]


def test_the_workbook_is_one_a_controller_can_edit(catalogue: Catalogue, tmp_path: Path) -> None:
    definition, _ = read_yaml(DOROTEA)
    book = openpyxl.load_workbook(write_workbook(DOROTEA, catalogue, tmp_path))
    assert book.sheetnames[0] == "Instruktioner"
    instructions = " ".join(str(c.value) for c in book["Instruktioner"]["A"])
    assert "kolada-goals goals from-xlsx" in instructions and "--force" in instructions
    assert book["Listor"].sheet_state == "hidden"
    for name in ("Mål", "Indikatorer", "Målvärden", "Prognoser", "Egna värden"):
        sheet = book[name]
        assert sheet.freeze_panes is not None and sheet["A1"].font.b, name
    goals, indicators = book["Mål"], book["Indikatorer"]
    goal_columns, indicator_columns = header_columns(goals), header_columns(indicators)
    assert goals.column_dimensions[get_column_letter(goal_columns["Målformulering"])].width > 40
    # The drop-down lists hold the values the format allows, the file's levels and Kolada's KPIs.
    assert list_values(book, goals, goal_columns["Nivå"]) == definition.levels
    expected = {
        "Riktning": list(get_args(Direction)),
        "Kön": list(get_args(Gender)),
        "Referens": kinds(Reference),
        "Regel": kinds(Rule),
        "KPI-id": sorted(catalogue.kpis),
    }
    for header, values in expected.items():
        assert list_values(book, indicators, indicator_columns[header]) == values, header
    # Kolada's title and unit of the KPI stand beside the id, as information.
    row = row_of(indicators, indicator_columns["Indikator-id"], "sjukfranvaro-anstallda")
    title = indicators.cell(row, indicator_columns["KPI-titel i Kolada (info)"]).value
    assert title == catalogue.kpis["N00090"].title
    assert indicators.cell(row, indicator_columns["Enhet i Kolada (info)"]).value
    # Målvärden: one row per indicator, the mandate's years as columns.
    targets = book["Målvärden"]
    target_columns = header_columns(targets)
    assert [str(y) for y in range(2023, 2027)] == [h for h in target_columns if h.isdigit()]
    row = row_of(targets, target_columns["Indikator-id"], "sjukfranvaro-anstallda")
    assert targets.cell(row, target_columns["2024"]).value == 7.5


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    catalogue = Catalogue(
        kpis={kpi: KpiFacts(HOSTILE_KPI_TITLES.get(kpi, f"KPI {kpi}"), False, "K") for kpi in
              ("N15428", "N00923", "N07403", "N05401", "N31807", "N01963", "U07453")},
        municipalities={"2425": Municipality("Dorotea", "K")},
        groups={},
    )  # fmt: skip
    source = tmp_path / "2425-hostile.yaml"
    source.write_text(HOSTILE_GOALS_YAML, encoding="utf-8")
    definition, _ = read_yaml(source)
    path = write_workbook(source, catalogue, tmp_path)
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row), sheet.title
    result = read_back(path, catalogue, source.name)
    assert result.problems == [] and result.definition == definition


Edit = Callable[[Workbook], None]


def edited(catalogue: Catalogue, folder: Path, edit: Edit, source: Path = DOROTEA) -> ReadWorkbook:
    path = write_workbook(source, catalogue, folder)
    book = openpyxl.load_workbook(path)
    edit(book)
    book.save(path)
    return read_back(path, catalogue)


def cell_of(book: Workbook, sheet: str, key_header: str, key: str, header: str) -> tuple[int, int]:
    columns = header_columns(book[sheet])
    return row_of(book[sheet], columns[key_header], key), columns[header]


def set_cell(sheet: str, key_header: str, key: str, header: str, value: object) -> Edit:
    def edit(book: Workbook) -> None:
        row, column = cell_of(book, sheet, key_header, key, header)
        book[sheet].cell(row, column).value = value
        expected.update(sheet=sheet, row=row, column=get_column_letter(column), header=header)

    expected: dict[str, Any] = {}
    edit.expected = expected  # type: ignore[attr-defined]
    return edit


def add_target_year(book: Workbook) -> None:
    targets = book["Målvärden"]
    column = targets.max_column + 1
    targets.cell(1, column).value = 2030
    row = row_of(targets, header_columns(targets)["Indikator-id"], "valdeltagande")
    targets.cell(row, column).value = 90


def rename_header(book: Workbook) -> None:
    book["Indikatorer"].cell(1, header_columns(book["Indikatorer"])["KPI-id"]).value = "KPI"


BAD_CELLS = {
    "unknown_kpi": set_cell("Indikatorer", "Indikator-id", "valdeltagande", "KPI-id", "N99999"),
    "not_a_number": set_cell("Målvärden", "Indikator-id", "valdeltagande", "2025", "sjuttio"),
    "formula": set_cell("Mål", "Mål-id", "VM1.1.1", "Målformulering", "=1+1"),
    "not_yes_no": set_cell("Indikatorer", "Indikator-id", "vab-man", "Exempel (ja/nej)", "kanske"),
    "unknown_goal": set_cell("Indikatorer", "Indikator-id", "vab-man", "Mål-id", "VM9"),
}


@pytest.mark.parametrize("code", BAD_CELLS)
def test_a_bad_cell_is_named_by_sheet_row_and_column(
    code: str, catalogue: Catalogue, tmp_path: Path
) -> None:
    edit = BAD_CELLS[code]
    result = edited(catalogue, tmp_path, edit)
    expected = edit.expected  # type: ignore[attr-defined]
    assert result.definition is None
    [problem] = result.problems
    assert problem.code == code and problem.fix
    assert (problem.cell.sheet, problem.cell.row, problem.cell.header) == (
        expected["sheet"], expected["row"], expected["header"]
    )  # fmt: skip
    assert f"column {expected['column']} ({expected['header']})" in str(problem)
    assert f"{expected['sheet']}, row {expected['row']}" in str(problem)


def test_a_target_outside_the_mandate_is_named_by_its_cell(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    result = edited(catalogue, tmp_path, add_target_year)
    [problem] = result.problems
    assert problem.code == "target_outside_mandate" and "2030" in problem.message
    assert (problem.cell.sheet, problem.cell.header) == ("Målvärden", "2030")


def test_a_missing_sheet_or_a_renamed_header_stops_the_reading(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    result = edited(catalogue, tmp_path, lambda book: book.remove(book["Målvärden"]))
    assert result.definition is None
    assert [(p.code, p.cell.sheet) for p in result.problems] == [("missing_sheet", "Målvärden")]
    result = edited(catalogue, tmp_path, rename_header)
    assert result.definition is None
    codes = [(p.code, p.cell.sheet, p.cell.row, p.cell.header) for p in result.problems]
    assert codes == [
        ("unknown_column", "Indikatorer", 1, "KPI"),
        ("missing_column", "Indikatorer", 1, "KPI-id"),
    ]
    assert "rename the header back to 'KPI-id'" in str(result.problems[0])


def test_every_problem_is_reported_at_once(catalogue: Catalogue, tmp_path: Path) -> None:
    def edit(book: Workbook) -> None:
        BAD_CELLS["unknown_kpi"](book)
        BAD_CELLS["not_a_number"](book)
        add_target_year(book)

    result = edited(catalogue, tmp_path, edit)
    assert sorted(p.code for p in result.problems) == [
        "not_a_number", "target_outside_mandate", "unknown_kpi"
    ]  # fmt: skip


def test_rows_added_by_hand_are_read(catalogue: Catalogue, tmp_path: Path) -> None:
    def edit(book: Workbook) -> None:
        indicators, targets = book["Indikatorer"], book["Målvärden"]
        columns = header_columns(indicators)
        row = indicators.max_row + 1
        for header, value in (
            ("Mål-id", "VM4.2.1"), ("Indikator-id", "ny-indikator"), ("KPI-id", "N00945"),
            ("Riktning", "higher"), ("Kommentar", "tillagd"),
        ):  # fmt: skip
            indicators.cell(row, columns[header]).value = value
        columns = header_columns(targets)
        row = targets.max_row + 1
        targets.cell(row, columns["Indikator-id"]).value = "ny-indikator"
        targets.cell(row, columns["2026"]).value = "7,5"  # typed as text, with a decimal comma

    result = edited(catalogue, tmp_path, edit)
    assert result.problems == [] and result.definition is not None
    goal = next(g for g in result.definition.goals if g.id == "VM4.2.1")
    added = goal.indicators[-1]
    assert (added.id, added.kpi, added.targets) == ("ny-indikator", "N00945", {2026: 7.5})
    position = (
        "goals",
        result.definition.goals.index(goal),
        "indicators",
        len(goal.indicators) - 1,
    )
    assert result.comments.trailing[position] == "tillagd"


@pytest.fixture(scope="module")
def warehouse() -> Iterator[duckdb.DuckDBPyConnection]:
    con = sample_warehouse(require_samples())
    yield con
    con.close()


def forecast_rows(book: Workbook, year: int) -> dict[str, dict[str, object]]:
    sheet = book[f"Prognos {year}"]
    headers = [cell.value for cell in sheet[1]]
    rows = {}
    for row in sheet.iter_rows(min_row=2, values_only=True):
        rows[str(row[headers.index("Indikator-id")])] = dict(zip(headers, row, strict=True))
    return rows


def test_the_forecast_sheet_shows_what_the_pipeline_knows(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    catalogue = Catalogue.from_database(warehouse)
    path = write_workbook(DOROTEA, catalogue, tmp_path, 2024, warehouse)
    rows = forecast_rows(openpyxl.load_workbook(path), 2024)
    # The trend is the one the marts use where there is no manual forecast.
    marts = dict(warehouse.execute(
        "select i.indicator_id, r.value from mart_indicator_status_row r join mart_indicator i "
        "using (indicator_key) where i.kommun_id = '2425' and r.mode = 'forecast' "
        "and r.period = 2024 and r.value_basis = 'trendprognos'"
    ).fetchall())  # fmt: skip
    assert marts
    for indicator_id, trend in marts.items():
        assert rows[indicator_id]["Trendprognos (info)"] == pytest.approx(trend)
    latest = warehouse.execute(
        "select max(period), arg_max(value, period) from core_kpi_value "
        "where kpi_id = 'N15428' and municipality_id = '2425' and gender = 'T' "
        "and value is not null and period <= 2024"
    ).fetchone()
    row = rows["behorighet-yrkesprogram"]
    assert (row["Period (info)"], row["Senaste värde (info)"]) == pytest.approx(latest)
    county = warehouse.execute(
        "select reference_value from mart_reference_value where reference_kind = 'county' "
        "and reference_id = '24' and kpi_id = 'N15428' and gender = 'T' and period = ?",
        [latest[0] if latest else None],
    ).fetchone()
    assert county and row["Länets snitt samma period (info)"] == round(
        county[0], 2
    )  # shown to 2 decimals
    assert row["Målvärde (info)"] == 87 and row["Manuell prognos"] is None


def test_forecasts_filled_in_on_the_forecast_sheet_go_into_the_file(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    catalogue = Catalogue.from_database(warehouse)
    definition, _ = read_yaml(DOROTEA)
    path = write_workbook(DOROTEA, catalogue, tmp_path, 2025, warehouse)
    book = openpyxl.load_workbook(path)
    rows = forecast_rows(book, 2025)
    existing = next(
        i for g in definition.goals for i in g.indicators if i.id == "befolkningsforandring"
    ).forecast(2025)
    assert (rows["befolkningsforandring"]["Manuell prognos"], existing.value) == (-0.5, -0.5)
    assert rows["befolkningsforandring"]["Motivering/notering"] == existing.note
    sheet = book["Prognos 2025"]
    columns = header_columns(sheet)
    for indicator_id, value, note in (
        ("befolkningsforandring", None, None),  # cleared: the 2025 forecast goes
        ("valdeltagande", 81, "Enligt valnämnden"),
        ("vab-man", "40,5", None),
    ):
        row = row_of(sheet, columns["Indikator-id"], indicator_id)
        sheet.cell(row, columns["Manuell prognos"]).value = value
        sheet.cell(row, columns["Motivering/notering"]).value = note
    book.save(path)
    result = read_back(path, catalogue)
    assert result.problems == [] and result.definition is not None
    indicators = {i.id: i for g in result.definition.goals for i in g.indicators}
    assert set(indicators["befolkningsforandring"].forecasts) == {2026}  # Prognoser keeps 2026
    assert indicators["valdeltagande"].forecasts == {
        2025: Forecast(value=81, note="Enligt valnämnden")
    }
    assert indicators["vab-man"].forecasts == {2025: 40.5}


def test_a_note_without_a_forecast_is_an_error(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    catalogue = Catalogue.from_database(warehouse)
    path = write_workbook(DOROTEA, catalogue, tmp_path, 2025, warehouse)
    book = openpyxl.load_workbook(path)
    sheet = book["Prognos 2025"]
    columns = header_columns(sheet)
    row = row_of(sheet, columns["Indikator-id"], "valdeltagande")
    sheet.cell(row, columns["Motivering/notering"]).value = "Enligt valnämnden"
    book.save(path)
    [problem] = read_back(path, catalogue).problems
    assert problem.code == "forecast_without_value"
    assert (problem.cell.sheet, problem.cell.row) == ("Prognos 2025", row)


LOCAL_CSV_YAML = """format: 1
kommun: "2425"
name: Dorotea
vision: "Dorotea är en brusande tillväxtkommun i Sápmi."
mandate: {first_year: 2023, last_year: 2026}
goals:
  - id: VM1
    title: "Fler barn deltar i läsfrukost"
    indicators:
      - id: lasfrukost
        title: "Barn som deltar i läsfrukost, antal"
        local: {unit: antal, csv: 2425-lasfrukost.csv}
        direction: higher
"""


def test_a_local_csv_is_looked_for_beside_the_file_to_be_written(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    source = tmp_path / "source" / "2425-dorotea.yaml"
    source.parent.mkdir()
    source.write_text(LOCAL_CSV_YAML, encoding="utf-8")
    (source.parent / "2425-lasfrukost.csv").write_text("indicator_id,period,value\n", "utf-8")
    path = write_workbook(source, catalogue, tmp_path)
    [problem] = read_back(path, catalogue).problems  # tmp_path has no CSV
    assert (problem.code, problem.cell.sheet, problem.cell.header) == (
        "local_values", "Indikatorer", "Eget mått: CSV-fil"
    )  # fmt: skip
    (tmp_path / "2425-lasfrukost.csv").write_text("indicator_id,period,value\n", "utf-8")
    assert read_back(path, catalogue).definition == read_yaml(source)[0]


def test_a_new_file_keeps_its_comments_at_the_file_s_fields(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    """`goals new` writes comments at the end of the defaults' lines: the Fil sheet carries
    them; the one at a KPI id has no column and is reported as not carried."""
    source = tmp_path / "source" / "2425-dorotea.yaml"
    source.parent.mkdir()
    source.write_text(goal_file_template("2425", catalogue, date(2025, 3, 1)), encoding="utf-8")
    definition, comments = read_yaml(source)
    carried, dropped = carried_comments(comments)
    assert dropped == ["at goals[2].indicators[0].kpi: # " + comments.trailing[
        ("goals", 2, "indicators", 0, "kpi")
    ]]  # fmt: skip
    path = tmp_path / "mal.xlsx"
    path.write_bytes(goal_workbook_bytes(definition, carried, catalogue, source.name))
    result = read_back(path, catalogue)
    assert result.problems == [] and result.definition == definition
    written = goal_file_yaml(result.definition, result.comments).splitlines()
    for line in source.read_text(encoding="utf-8").splitlines():
        if line.startswith("  r") and "#" in line:  # the reference's and the rule's lines
            key, comment = line.split("#", 1)
            assert any(w.startswith(key.rstrip()) and w.endswith(comment) for w in written)
