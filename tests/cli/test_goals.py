"""`kolada-goals goals validate` as a person runs it: piped output with whole error lines,
and the catalogue fetched from Kolada when there is no database; and the goal workbook's
`to-xlsx` and `from-xlsx`."""

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from kolada_goals.cli.main import app
from kolada_goals.fake import create_app, serve_in_thread
from kolada_goals.fake.offline import offline_dataset
from kolada_goals.goals.model import GoalFile
from kolada_goals.goals.source import load_yaml_with_lines
from kolada_goals.goals.template import SCHEMA_LINE

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "data" / "goals"
BROKEN = ROOT / "tests" / "goal_files" / "broken"


@pytest.fixture(scope="module")
def fake_kolada() -> Iterator[str]:
    with serve_in_thread(create_app(offline_dataset(SHIPPED))) as base_url:
        yield base_url


def validate(*arguments: str, output: Path) -> int:
    """Run the real program with its output going to a file, as in cron or CI."""
    with output.open("wb") as sink:
        return subprocess.run(
            [sys.executable, "-m", "kolada_goals.cli", "goals", "validate", *arguments],
            stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, timeout=120,
        ).returncode  # fmt: skip


def test_without_a_database_the_catalogue_is_fetched_from_kolada(
    tmp_path: Path, fake_kolada: str
) -> None:
    output = tmp_path / "out.txt"
    code = validate(str(SHIPPED), "--database", str(tmp_path / "none.duckdb"),
                    "--base-url", fake_kolada, output=output)  # fmt: skip
    text = output.read_text()
    assert code == 0, text
    assert f"fetching Kolada's catalogue from {fake_kolada}" in text
    assert "5 file(s) valid" in text


def test_an_unreachable_kolada_fails_at_once_with_the_ways_out(tmp_path: Path) -> None:
    output = tmp_path / "out.txt"
    closed_port = "http://127.0.0.1:9/v3"  # the discard port: nothing listens there
    code = validate(str(SHIPPED), "--database", str(tmp_path / "none.duckdb"),
                    "--base-url", closed_port, output=output)  # fmt: skip
    text = output.read_text()
    assert code == 2
    assert "error: cannot fetch Kolada's catalogue" in text and closed_port in text
    assert "--metadata DIR" in text and "kolada-goals run" in text
    assert "Traceback" not in text


def test_piped_error_lines_stay_whole_at_a_long_path(tmp_path: Path, fake_kolada: str) -> None:
    folder = tmp_path / ("a-long-folder-name-" * 4) / ("and-deeper-still-" * 3)
    folder.mkdir(parents=True)
    broken = sorted(BROKEN.glob("0*.yaml"))
    for path in broken:
        shutil.copy(path, folder / path.name)
    copies = [folder / path.name for path in broken]
    assert all(len(str(path)) > 100 for path in copies)
    output = tmp_path / "out.txt"
    code = validate(*map(str, copies), "--database", str(tmp_path / "none.duckdb"),
                    "--base-url", fake_kolada, output=output)  # fmt: skip
    lines = output.read_text().splitlines()
    assert code == 1
    for path in copies:
        # One whole line per error: the full path, the line number and the message.
        [line] = [line for line in lines if line.startswith(f"{path}:")]
        location, message = line[len(str(path)) + 1 :].split(": ", 1)
        assert location.isdigit() and message.startswith("["), line


# --- goal workbooks: to-xlsx and from-xlsx ---------------------------------------------------

runner = CliRunner()
DOROTEA = SHIPPED / "2425-dorotea.yaml"


def goals_command(*arguments: str, catalogue_from: str, tmp_path: Path) -> tuple[int, str]:
    """`kolada-goals goals ...` in-process, the catalogue fetched from a fake Kolada."""
    catalogue = ["--database", str(tmp_path / "none.duckdb"), "--base-url", catalogue_from]
    result = runner.invoke(app, ["goals", *arguments, *catalogue])
    return result.exit_code, result.output


def read_goal_file(path: Path) -> GoalFile:
    return GoalFile.model_validate(load_yaml_with_lines(path.read_text(encoding="utf-8"))[0])


def test_a_goal_file_goes_to_a_workbook_and_back(tmp_path: Path, fake_kolada: str) -> None:
    workbook, written = tmp_path / "mal-2425.xlsx", tmp_path / "2425-dorotea.yaml"
    code, output = goals_command("to-xlsx", str(DOROTEA), "--out", str(workbook),
                                 catalogue_from=fake_kolada, tmp_path=tmp_path)  # fmt: skip
    assert code == 0 and f"wrote {workbook}" in output, output
    code, output = goals_command("from-xlsx", str(workbook), "--out", str(written),
                                 catalogue_from=fake_kolada, tmp_path=tmp_path)  # fmt: skip
    assert code == 0 and f"wrote {written}" in output, output
    assert read_goal_file(written) == read_goal_file(DOROTEA)
    assert written.read_text(encoding="utf-8").splitlines()[0] == SCHEMA_LINE
    assert not list(tmp_path.glob(".*.tmp"))  # the temporary file is gone


def break_workbook(path: Path) -> None:
    """An unknown KPI id and a text in a number cell."""
    book = openpyxl.load_workbook(path)
    for sheet, header, value in (("Indikatorer", "KPI-id", "N99999"), ("Målvärden", "2025", "x")):
        column = next(c.column for c in book[sheet][1] if c.value == header)
        book[sheet].cell(2, column).value = value
    book.save(path)


def test_a_workbook_with_errors_writes_no_file(tmp_path: Path, fake_kolada: str) -> None:
    workbook, written = tmp_path / "mal-2425.xlsx", tmp_path / "2425-dorotea.yaml"
    goals_command("to-xlsx", str(DOROTEA), "--out", str(workbook),
                  catalogue_from=fake_kolada, tmp_path=tmp_path)  # fmt: skip
    break_workbook(workbook)
    code, output = goals_command("from-xlsx", str(workbook), "--out", str(written),
                                 catalogue_from=fake_kolada, tmp_path=tmp_path)  # fmt: skip
    assert code == 1
    errors = [line for line in output.splitlines() if line.startswith(f"{workbook}: ")]
    assert any("Indikatorer, row 2, column C (KPI-id): [unknown_kpi]" in e for e in errors), output
    assert any("Målvärden, row 2, column" in e and "[not_a_number]" in e for e in errors), output
    assert all("Fix: " in line for line in errors)
    assert "2 error(s)" in output and "was not written" in output
    assert not written.exists()


def test_an_existing_file_is_replaced_only_with_force(tmp_path: Path, fake_kolada: str) -> None:
    workbook, written = tmp_path / "mal-2425.xlsx", tmp_path / "2425-dorotea.yaml"
    workbook.write_bytes(b"a controller's edits")
    written.write_text("# kept\n", encoding="utf-8")
    for arguments, path in (
        (["to-xlsx", str(DOROTEA), "--out", str(workbook)], workbook),
        (["from-xlsx", str(workbook), "--out", str(written)], written),
    ):
        before = path.read_bytes()
        code, output = goals_command(*arguments, catalogue_from=fake_kolada, tmp_path=tmp_path)
        assert code == 1 and "already exists; not overwritten (--force replaces it)" in output
        assert path.read_bytes() == before
    code, output = goals_command("to-xlsx", str(DOROTEA), "--out", str(workbook), "--force",
                                 catalogue_from=fake_kolada, tmp_path=tmp_path)  # fmt: skip
    assert code == 0, output
    code, output = goals_command("from-xlsx", str(workbook), "--out", str(written), "--force",
                                 catalogue_from=fake_kolada, tmp_path=tmp_path)  # fmt: skip
    assert code == 0, output
    assert read_goal_file(written) == read_goal_file(DOROTEA)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["to-xlsx", "missing.yaml", "--out", "x.xlsx"], "missing.yaml"),
        (["to-xlsx", str(DOROTEA), "--out", "x.csv"], "must end in .xlsx"),
        (["to-xlsx", str(DOROTEA), "--out", "x.xlsx", "--forecast-year", "2025"],
         "reads the published database"),
        (["to-xlsx", str(DOROTEA), "--out", "x.xlsx", "--forecast-year", "3000"],
         "is not a year"),
        (["from-xlsx", "missing.xlsx", "--out", "x.yaml"], "missing.xlsx"),
    ],
)  # fmt: skip
def test_usage_errors_exit_2(
    tmp_path: Path, fake_kolada: str, arguments: list[str], message: str
) -> None:
    arguments = [str(tmp_path / a) if a.startswith(("x.", "missing")) else a for a in arguments]
    code, output = goals_command(*arguments, catalogue_from=fake_kolada, tmp_path=tmp_path)
    assert code == 2 and message in output and "error: " in output, output
    assert not (tmp_path / "x.xlsx").exists()


def test_piped_workbook_errors_are_plain_whole_lines(tmp_path: Path, fake_kolada: str) -> None:
    workbook, written = tmp_path / "mal-2425.xlsx", tmp_path / "2425-dorotea.yaml"
    goals_command("to-xlsx", str(DOROTEA), "--out", str(workbook),
                  catalogue_from=fake_kolada, tmp_path=tmp_path)  # fmt: skip
    break_workbook(workbook)
    output = tmp_path / "out.txt"
    with output.open("wb") as sink:
        code = subprocess.run(
            [sys.executable, "-m", "kolada_goals.cli", "goals", "from-xlsx", str(workbook),
             "--out", str(written), "--database", str(tmp_path / "none.duckdb"),
             "--base-url", fake_kolada],
            stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, timeout=120,
        ).returncode  # fmt: skip
    text = output.read_text(encoding="utf-8")
    assert code == 1 and "\x1b[" not in text
    assert len([line for line in text.splitlines() if line.startswith(f"{workbook}: ")]) == 2


@pytest.fixture(scope="module")
def sample_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A published database built from the real samples."""
    from tests.helpers import require_samples
    from tests.sample_warehouse import sample_warehouse

    path = tmp_path_factory.mktemp("published") / "kolada_goals.duckdb"
    con = sample_warehouse(require_samples())
    con.execute(f"attach '{path}' as published")
    con.execute("copy from database memory to published")
    con.execute("detach published")
    con.close()
    return path


def test_the_forecast_sheet_round_trip(tmp_path: Path, sample_database: Path) -> None:
    workbook, written = tmp_path / "delar-2425.xlsx", tmp_path / "2425-dorotea.yaml"
    database = ["--database", str(sample_database)]
    result = runner.invoke(app, ["goals", "to-xlsx", str(DOROTEA), "--out", str(workbook),
                                 "--forecast-year", "2025", *database])  # fmt: skip
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(workbook)
    sheet = book["Prognos 2025"]
    columns = {cell.value: cell.column for cell in sheet[1]}
    row = next(r for r in range(2, sheet.max_row + 1)
               if sheet.cell(r, columns["Indikator-id"]).value == "valdeltagande")  # fmt: skip
    assert sheet.cell(row, columns["Period (info)"]).value is not None
    sheet.cell(row, columns["Manuell prognos"]).value = 81
    sheet.cell(row, columns["Motivering/notering"]).value = "Enligt valnämnden"
    book.save(workbook)
    result = runner.invoke(app, ["goals", "from-xlsx", str(workbook), "--out", str(written),
                                 *database])  # fmt: skip
    assert result.exit_code == 0, result.output
    [indicator] = [i for g in read_goal_file(written).goals for i in g.indicators
                   if i.id == "valdeltagande"]  # fmt: skip
    assert indicator.forecast(2025).model_dump() == {"value": 81, "note": "Enligt valnämnden"}
    unchanged = read_goal_file(DOROTEA).model_dump()
    again = read_goal_file(written).model_dump()
    assert _without(again, "valdeltagande") == _without(unchanged, "valdeltagande")


def _without(definition: dict[str, object], indicator_id: str) -> dict[str, object]:
    goals = definition["goals"]
    assert isinstance(goals, list)
    for goal in goals:
        goal["indicators"] = [i for i in goal["indicators"] if i["id"] != indicator_id]
    return definition
