"""Hostile goal files: each fails alone, as a problem that names the file, with a code."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
import yaml

from kolada_goals.goals import validate
from kolada_goals.goals.catalogue import Catalogue, KpiFacts, Municipality
from kolada_goals.goals.source import MAX_GOAL_FILE_BYTES
from kolada_goals.goals.validate import (
    ValidatedFile,
    validate_goal_document,
    validate_goal_file,
    validate_goal_files,
)

ROOT = Path(__file__).resolve().parents[2]
BROKEN = ROOT / "tests" / "goal_files" / "broken"
CATALOGUE = Catalogue(
    kpis={"N15428": KpiFacts("Elever i åk 9 som är behöriga till yrkesprogram", True, "A")},
    municipalities={"2425": Municipality("Dorotea", "K")},
    groups={},
)

VALID = """format: 1
kommun: "2425"
name: Dorotea
vision: "Dorotea är en brusande tillväxtkommun i Sápmi."
mandate: {first_year: 2023, last_year: 2026}
goals:
  - id: VM1
    title: "Fler barn deltar i läsfrukost"
    indicators:
      - id: behorighet
        kpi: N15428
        direction: higher
      - id: lasfrukost
        title: "Barn som deltar i läsfrukost, antal"
        local:
          unit: antal
          csv: CSV_NAME
        direction: higher
"""
CSV_LINE = VALID.splitlines().index("          csv: CSV_NAME") + 1


def goal_file(folder: Path, csv_name: str = "2425-lasfrukost.csv") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "2425-dorotea.yaml"
    path.write_text(VALID.replace("CSV_NAME", csv_name), encoding="utf-8")
    return path


def only_problem(result: ValidatedFile) -> tuple[str, int | None]:
    assert not result.ok and len(result.problems) == 1, result.problems
    problem = result.problems[0]
    assert str(result.path) in str(problem) and problem.fix
    return problem.code, problem.line


def test_a_valid_file_with_a_csv_beside_it_is_read(tmp_path: Path) -> None:
    path = goal_file(tmp_path)
    (tmp_path / "2425-lasfrukost.csv").write_text(
        "indicator_id,period,value\nlasfrukost,2023,12\nlasfrukost,2024,\n", encoding="utf-8"
    )
    result = validate_goal_file(path, CATALOGUE)
    assert result.ok, result.problems
    assert [(v.period, v.value) for v in result.local_values] == [(2023, 12.0), (2024, None)]


def test_an_oversized_file_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "2425-dorotea.yaml"
    text = VALID.replace("CSV_NAME", "x.csv")
    padding = "# " + "x" * 98 + "\n"
    path.write_text(text + padding * (MAX_GOAL_FILE_BYTES // len(padding)), encoding="utf-8")
    assert only_problem(validate_goal_file(path, CATALOGUE)) == ("file_too_large", None)


def test_non_utf8_bytes_are_refused_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "2425-dorotea.yaml"
    path.write_bytes(VALID.replace("CSV_NAME", "x.csv").encode("latin-1"))
    assert only_problem(validate_goal_file(path, CATALOGUE)) == ("encoding", 4)


def test_nesting_20000_deep_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "2425-dorotea.yaml"
    text = VALID.replace("CSV_NAME", "x.csv")
    path.write_text(text + "note: " + "[" * 20_000 + "]" * 20_000 + "\n", encoding="utf-8")
    note_line = text.count("\n") + 1
    assert only_problem(validate_goal_file(path, CATALOGUE)) == ("yaml_too_complex", note_line)


def test_the_alias_bomb_is_refused_naming_the_file() -> None:
    path = BROKEN / "58-alias-bomb.yaml"
    code, line = only_problem(validate_goal_file(path, CATALOGUE, check_file_name=False))
    assert code == "yaml_too_complex" and line is not None


def test_a_pipe_is_refused_without_waiting_for_it(tmp_path: Path) -> None:
    path = tmp_path / "2425-dorotea.yaml"
    os.mkfifo(path)
    results: list[ValidatedFile] = []
    worker = threading.Thread(
        target=lambda: results.append(validate_goal_file(path, CATALOGUE)), daemon=True
    )
    worker.start()
    worker.join(timeout=10)
    assert results, "validation waited for a writer on the pipe"
    assert only_problem(results[0]) == ("unreadable", None)


@pytest.mark.parametrize("error", [MemoryError, RecursionError, KeyError])
@pytest.mark.parametrize("stage", ["load_yaml_with_lines", "_check_tree", "_csv_values"])
def test_an_unexpected_error_becomes_a_problem_of_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stage: str, error: type[Exception]
) -> None:
    path = goal_file(tmp_path)
    (tmp_path / "2425-lasfrukost.csv").write_text("indicator_id,period,value\n", "utf-8")

    def fail(*args: object, **kwargs: object) -> None:
        raise error("lasfrukost,2024,hemligt")

    monkeypatch.setattr(validate, stage, fail)
    result = validate_goal_file(path, CATALOGUE)
    assert only_problem(result) == ("unexpected_error", None)
    assert error.__name__ in str(result.problems[0])
    assert "hemligt" not in str(result.problems[0])


def test_one_unexpected_error_leaves_the_other_files_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    goal_file(tmp_path / "a")
    goal_file(tmp_path / "b")
    original = validate.load_yaml_with_lines

    def fail_once(text: str) -> object:
        if not getattr(fail_once, "failed", False):
            fail_once.failed = True  # type: ignore[attr-defined]
            raise MemoryError
        return original(text)

    monkeypatch.setattr(validate, "load_yaml_with_lines", fail_once)
    results = validate_goal_files([tmp_path / "a", tmp_path / "b"], CATALOGUE)
    assert [r.problems[0].code if r.problems else None for r in results] == [
        "unexpected_error",
        "local_values",  # b's CSV is missing: it was checked to the end
    ]


@pytest.mark.parametrize(
    "csv_name", ["../outside/2425-lasfrukost.csv", "sub/../../outside/2425-lasfrukost.csv"]
)
def test_a_csv_outside_the_folder_is_not_read(tmp_path: Path, csv_name: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "2425-lasfrukost.csv").write_text(
        "indicator_id,period,value\nlasfrukost,2023,12\n", encoding="utf-8"
    )
    (tmp_path / "goals" / "sub").mkdir(parents=True)
    result = validate_goal_file(goal_file(tmp_path / "goals", csv_name), CATALOGUE)
    assert only_problem(result) == ("local_csv_path", CSV_LINE)
    assert result.local_values == []


def test_an_absolute_csv_path_is_not_read(tmp_path: Path) -> None:
    result = validate_goal_file(goal_file(tmp_path, "/etc/passwd"), CATALOGUE)
    assert only_problem(result) == ("local_csv_path", CSV_LINE)


def test_a_symlink_to_a_csv_outside_the_folder_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside.csv"
    outside.write_text("indicator_id,period,value\nlasfrukost,2023,12\n", encoding="utf-8")
    goals = tmp_path / "goals"
    path = goal_file(goals)
    (goals / "2425-lasfrukost.csv").symlink_to(outside)
    assert only_problem(validate_goal_file(path, CATALOGUE)) == ("local_csv_path", CSV_LINE)


def test_a_symlink_inside_the_folder_and_a_subfolder_are_fine(tmp_path: Path) -> None:
    (tmp_path / "csv").mkdir()
    (tmp_path / "csv" / "values.csv").write_text(
        "indicator_id,period,value\nlasfrukost,2023,12\n", encoding="utf-8"
    )
    (tmp_path / "2425-lasfrukost.csv").symlink_to(tmp_path / "csv" / "values.csv")
    assert validate_goal_file(goal_file(tmp_path), CATALOGUE).ok
    assert validate_goal_file(goal_file(tmp_path, "csv/values.csv"), CATALOGUE).ok


@pytest.mark.parametrize(
    ("row", "column"),
    [("lasfrukost,2024,HEMLIGT-VÄRDE-7731", "value"), ("lasfrukost,HEMLIGT-ÅR-7731,3", "period")],
)
def test_a_bad_csv_row_is_named_by_line_and_column_never_by_content(
    tmp_path: Path, row: str, column: str
) -> None:
    path = goal_file(tmp_path)
    (tmp_path / "2425-lasfrukost.csv").write_text(
        f"indicator_id,period,value\nlasfrukost,2023,12\n{row}\n", encoding="utf-8"
    )
    result = validate_goal_file(path, CATALOGUE)
    assert only_problem(result) == ("local_values", CSV_LINE)
    message = str(result.problems[0])
    assert "7731" not in message and "HEMLIGT" not in message
    assert f"line 3: column {column}" in message


def test_the_corpus_bad_row_is_not_echoed() -> None:
    result = validate_goal_file(BROKEN / "57-local-csv-bad-row.yaml", CATALOGUE)
    problems = [p for p in result.problems if p.code == "local_values"]
    assert len(problems) == 1 and "femton" not in str(problems[0])
    assert "57-bad-row.csv line 3: column value" in str(problems[0])


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"indicator_id,period,value\nlasfrukost,2023," + b"9" * 200_000, "not a CSV row"),
        ("indicator_id,period,value\nlasfrukost,2023,Sápmi\n".encode("latin-1"), "not UTF-8"),
        (b"id,year,value\nlasfrukost,2023,1\n", "lacks the column(s) indicator_id, period"),
        (b"indicator_id,period,value\nlasfrukost,2023,1\nlasfrukost,2023,2\n", "2023 has more"),
        (b"indicator_id,period,value\nlasfrukost,99999999999,1\n", "column period"),
    ],
)
def test_an_unreadable_csv_is_a_problem_of_the_goal_file(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = goal_file(tmp_path)
    (tmp_path / "2425-lasfrukost.csv").write_bytes(content)
    result = validate_goal_file(path, CATALOGUE)
    code, _ = only_problem(result)
    assert code == "local_values" and expected in str(result.problems[0])


def test_a_document_is_checked_as_its_file_would_be(tmp_path: Path) -> None:
    """A parsed document (as a goal workbook gives it) gets the file's problems, each with its
    place as a document path instead of a line."""
    text = VALID.replace("CSV_NAME", "2425-lasfrukost.csv").replace("N15428", "N99999")
    text = text.replace("direction: higher\n      - id: lasfrukost", "direction: up\n      - id: x")
    path = tmp_path / "2425-dorotea.yaml"
    path.write_text(text, encoding="utf-8")
    document = yaml.safe_load(text)
    from_file = validate_goal_file(path, CATALOGUE)
    from_document = validate_goal_document(document, CATALOGUE, path)
    assert [(p.code, p.place, p.at) for p in from_document.problems] == [
        (p.code, p.place, p.at) for p in from_file.problems
    ]
    assert [p.at for p in from_document.problems] == [("goals", 0, "indicators", 0, "direction")]
    assert all(p.line is None for p in from_document.problems)
    assert all(p.line is not None for p in from_file.problems)
    # With the form right, the catalogue's and the tree's problems carry their paths too.
    document["goals"][0]["indicators"][0]["direction"] = "higher"
    document["goals"][0]["indicators"][1]["id"] = "behorighet"
    problems = validate_goal_document(document, CATALOGUE, tmp_path / "9999-x.yaml").problems
    assert [(p.code, p.at) for p in problems] == [
        ("file_name", ("kommun",)),
        ("unknown_kpi", ("goals", 0, "indicators", 0, "kpi")),
        ("local_values", ("goals", 0, "indicators", 1, "local", "csv")),
        ("duplicate_id", ("goals", 0, "indicators", 1, "id")),
    ]
