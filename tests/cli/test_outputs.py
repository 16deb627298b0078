"""The report authors' commands: status, export, report, on a database built from the real
samples; and their clear refusals of bad arguments."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import duckdb
import openpyxl
import polars as pl
import pytest
import yaml
from typer.testing import CliRunner

from kolada_goals.cli.main import app
from tests.helpers import require_samples
from tests.sample_warehouse import ROOT, sample_warehouse

runner = CliRunner()


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("published") / "kolada_goals.duckdb"
    con = sample_warehouse(require_samples())
    con.execute(f"attach '{path}' as published")
    con.execute("copy from database memory to published")
    con.execute("detach published")
    return path


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_status_prints_the_goal_tree(database: Path) -> None:
    code, output = invoke("status", "--kommun", "2425", "--year", "2023", "--database",
                          str(database))  # fmt: skip
    assert code == 0, output
    assert "Dorotea 2023" in output and "Utfall (årsredovisning)" in output
    assert "Utbildning, utveckling och tillväxt" in output
    assert "Grönt" in output and "Rött" in output and "Grått" in output
    code, output = invoke("status", "--kommun", "2425", "--mode", "forecast", "--year", "2025",
                          "--database", str(database))  # fmt: skip
    assert code == 0 and "Prognos (delårsrapport)" in output


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--kommun", "9999"), 2, "not a kommun id"),
        (("--kommun", "0024"), 2, "not a kommun id"),
        (("--kommun", "2401"), 1, "has no goal definitions"),
        (("--kommun", "2425", "--year", "1990"), 1, "no outcome goal statuses for 1990"),
        (("--kommun", "2425", "--mode", "budget"), 1, "unknown report mode"),
    ],
)
def test_status_refuses_bad_arguments(
    database: Path, args: tuple[str, ...], code: int, message: str
) -> None:
    exit_code, output = invoke("status", *args, "--database", str(database))
    assert exit_code == code, output
    assert message in " ".join(output.split())


def test_commands_without_a_database_say_what_to_do(tmp_path: Path) -> None:
    for command in (["status"], ["report", "--out", str(tmp_path / "r.html")]):
        code, output = invoke(*command, "--kommun", "2425", "--database", str(tmp_path / "x"))
        assert code == 1 and "kolada-goals run" in output


def test_export_xlsx_has_colours_a_frozen_header_and_an_explanation(
    database: Path, tmp_path: Path
) -> None:
    out = tmp_path / "dorotea.xlsx"
    code, output = invoke("export", "--kommun", "2425", "--year", "2023", "--format", "xlsx",
                          "--out", str(out), "--database", str(database))  # fmt: skip
    assert code == 0, output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Mål", "Indikatorer", "Om statusen"]
    indicators = book["Indikatorer"]
    assert indicators.freeze_panes == "A2"
    header = [cell.value for cell in indicators[1]]
    assert {"Indikator", "Värde", "Målvärde", "Referensvärde", "Status", "Orsak"} <= set(header)
    with duckdb.connect(str(database), read_only=True) as con:
        expected = con.execute(
            "select count(*) from mart_indicator_report where kommun_id = '2425' "
            "and report_mode = 'outcome' and report_year = 2023"
        ).fetchone()
    assert expected is not None and indicators.max_row - 1 == expected[0]
    rules = [rule for rng in indicators.conditional_formatting for rule in rng.rules]
    assert {rule.formula[0] for rule in rules} == {'"green"', '"yellow"', '"red"', '"grey"'}
    about = " ".join(str(c.value) for row in book["Om statusen"].iter_rows() for c in row)
    assert "Källa: Kolada" in about and "Egen bearbetning av data från Kolada" in about


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_export_csv_and_parquet(database: Path, tmp_path: Path, fmt: str) -> None:
    out = str(tmp_path / "dorotea")
    code, output = invoke("export", "--kommun", "2425", "--year", "2023", "--format", fmt,
                          "--out", out, "--database", str(database))  # fmt: skip
    assert code == 0, output
    read = pl.read_csv if fmt == "csv" else pl.read_parquet
    goals = read(tmp_path / f"dorotea-mal.{fmt}")
    indicators = read(tmp_path / f"dorotea-indikatorer.{fmt}")
    definition = yaml.safe_load((ROOT / "data/goals/2425-dorotea.yaml").read_text("utf-8"))
    shipped = [goal.get("indicators", []) for goal in definition["goals"]]
    assert goals.height == len(definition["goals"])
    assert indicators.height == sum(map(len, shipped))
    assert set(indicators["Status"]) <= {"green", "yellow", "red", "grey"}


def test_export_refuses_an_unknown_format(database: Path, tmp_path: Path) -> None:
    code, output = invoke("export", "--kommun", "2425", "--format", "pdf", "--out",
                          str(tmp_path / "x"), "--database", str(database))  # fmt: skip
    assert code == 2 and "unknown format" in output
    assert "xlsx, csv, parquet, docx" in " ".join(output.split())


@pytest.mark.parametrize(
    ("mode", "year", "mode_label"),
    [
        ("outcome", "2023", "Utfall (årsredovisning)"),
        ("forecast", "2025", "Prognos (delårsrapport)"),
    ],
)
def test_export_docx_writes_the_status_chapter(
    database: Path, tmp_path: Path, mode: str, year: str, mode_label: str
) -> None:
    out = tmp_path / "maluppfyllelse.docx"
    code, output = invoke("export", "--kommun", "2425", "--format", "docx", "--mode", mode,
                          "--year", year, "--out", str(out),
                          "--database", str(database))  # fmt: skip
    assert code == 0, output
    assert f"wrote {out}" in output
    document = docx.Document(str(out))
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    assert paragraphs[0] == f"Måluppfyllelse Dorotea {year}"
    assert document.paragraphs[0].style.name == "Heading 1"
    assert mode_label in paragraphs
    assert "Utbildning, utveckling och tillväxt" in paragraphs
    assert document.inline_shapes and document.tables
    assert [path.name for path in tmp_path.iterdir()] == [out.name]


def test_export_docx_names_its_file_and_refuses_what_has_nothing_to_report(
    database: Path, tmp_path: Path
) -> None:
    code, output = invoke("export", "--kommun", "2425", "--format", "docx", "--year", "2023",
                          "--out", str(tmp_path / "mal"), "--database", str(database))  # fmt: skip
    assert code == 0, output
    assert (tmp_path / "mal.docx").is_file()
    code, output = invoke("export", "--kommun", "2425", "--format", "docx", "--year", "1990",
                          "--out", str(tmp_path / "x.docx"),
                          "--database", str(database))  # fmt: skip
    assert code == 1 and "1990" in output
    assert not (tmp_path / "x.docx").exists()


def test_export_help_lists_every_format() -> None:
    code, output = invoke("export", "--help")
    assert code == 0
    text = " ".join(output.split())
    assert "xlsx, csv, parquet or docx" in text


def test_report_writes_one_html_file(database: Path, tmp_path: Path) -> None:
    out = tmp_path / "rapport.html"
    code, output = invoke("report", "--kommun", "2425", "--year", "2023", "--out", str(out),
                          "--database", str(database))  # fmt: skip
    assert code == 0, output
    html = out.read_text(encoding="utf-8")
    assert "Dorotea" in html and "Källa: Kolada" in html
    code, output = invoke("report", "--kommun", "2080", "--year", "1990", "--out", str(out),
                          "--database", str(database))  # fmt: skip
    assert code == 1 and "1990" in output


def test_messages_print_paths_literally(database: Path, tmp_path: Path) -> None:
    out = tmp_path / "[/]dorotea [bold].xlsx"
    code, output = invoke("export", "--kommun", "2425", "--year", "2023", "--format", "xlsx",
                          "--out", str(out), "--database", str(database))  # fmt: skip
    assert code == 0, output
    assert f"wrote {out}" in output


def test_snapshot_prints_its_label_literally(database: Path, tmp_path: Path) -> None:
    work, published = tmp_path / "work.duckdb", tmp_path / "it's published.duckdb"
    shutil.copy(database, work)
    shutil.copy(database, published)
    label = "Delår [/] [bold]"
    code, output = invoke("snapshot", "--label", label, "--database", str(published),
                          "--work-database", str(work))  # fmt: skip
    assert code == 0, output
    assert f"snapshot {label!r}: " in output
