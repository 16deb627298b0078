"""Goal-definition files: the shipped kommuner, the broken-file corpus, the JSON Schema,
loading into DuckDB, the KPI watch and the `goals` commands."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from kolada_goals.cli.main import app
from kolada_goals.goals.catalogue import Catalogue, KpiFacts, Municipality
from kolada_goals.goals.model import json_schema
from kolada_goals.goals.store import load_goal_definitions, watch_kpis
from kolada_goals.goals.template import goal_file_template
from kolada_goals.goals.validate import validate_goal_file, validate_goal_files
from kolada_goals.warehouse import apply_schema, connect
from tests.helpers import require_samples

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "data" / "goals"
BROKEN = sorted((ROOT / "tests" / "goal_files" / "broken").glob("*.yaml"))
SHIPPED_KOMMUNER = {"2425", "2080", "1465", "0665", "0331"}

# The few catalogue facts the broken-file corpus relies on, as Kolada has them.
SMALL_CATALOGUE = Catalogue(
    kpis={
        "N15428": KpiFacts("Elever i åk 9 som är behöriga till yrkesprogram", True, "A"),
        "N00003": KpiFacts("Personalkostnader, kr/inv", False, "K"),
        "N00334": KpiFacts("Trygghet och säkerhet - Regionindex", False, "L"),
        "N00340": KpiFacts("Hälsa - Regionindex", False, "L"),
    },
    municipalities={
        "0000": Municipality("Riket", "L"),
        "0024": Municipality("Region Västerbotten", "L"),
        "2401": Municipality("Nordmaling", "K"),
        "2425": Municipality("Dorotea", "K"),
    },
    groups={"G33631": "Västerbottens läns kommuner (ovägt medel)"},
)


def expected_code(path: Path) -> str:
    # Read as bytes: some broken files are not UTF-8 after their first line.
    first_line = path.read_bytes().splitlines()[0].decode("ascii")
    assert first_line.startswith("# expect: "), f"{path}: first line must be '# expect: CODE'"
    return first_line.removeprefix("# expect: ").strip()


def real_catalogue() -> Catalogue:
    return Catalogue.from_metadata_folder(require_samples() / "v3_metadata")


def test_the_corpus_is_large_and_covers_every_error_code() -> None:
    assert len(BROKEN) >= 30
    codes = {expected_code(path) for path in BROKEN}
    assert codes >= {
        "yaml_syntax", "schema", "unknown_kommun", "not_a_kommun", "unknown_kpi",
        "kpi_for_regions", "kpi_not_divided_by_gender", "unknown_group", "duplicate_id",
        "unknown_parent", "goal_cycle", "unknown_level", "target_outside_mandate",
        "missing_direction", "local_values", "local_csv_path", "encoding", "yaml_too_complex",
    }  # fmt: skip


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_each_broken_file_gives_its_error_with_a_line_and_a_fix(path: Path) -> None:
    result = validate_goal_file(path, SMALL_CATALOGUE, check_file_name=False)
    assert not result.ok
    assert [p.code for p in result.problems] != []
    assert {p.code for p in result.problems} == {expected_code(path)}, result.problems
    for problem in result.problems:
        assert problem.line is not None and problem.line >= 1
        assert problem.fix and str(path) in str(problem)


def test_errors_point_at_the_right_line(tmp_path: Path) -> None:
    text = (SHIPPED / "2425-dorotea.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if "kpi: N15428" in line)
    lines[index] = lines[index].replace("N15428", "N99999")
    broken = tmp_path / "2425-dorotea.yaml"
    broken.write_text("\n".join(lines), encoding="utf-8")
    problems = validate_goal_file(broken, real_catalogue()).problems
    assert [(p.code, p.line) for p in problems if p.code == "unknown_kpi"] == [
        ("unknown_kpi", index + 1)
    ]


def test_every_error_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    path = tmp_path / "2425-x.yaml"
    path.write_text(
        """format: 1
kommun: "2425"
name: Dorotea
vision: V
mandate: {first_year: 2023, last_year: 2026}
goals:
  - {id: A, title: A, parent: B}
  - {id: B, title: B, parent: A}
  - id: C
    title: C
    parent: Z
    indicators:
      - {id: i1, kpi: N99999, direction: higher}
      - {id: i1, kpi: N00003, gender: K, targets: {2030: 1}}
""",
        encoding="utf-8",
    )
    codes = sorted(p.code for p in validate_goal_file(path, SMALL_CATALOGUE).problems)
    assert codes == [
        "duplicate_id", "goal_cycle", "kpi_not_divided_by_gender", "missing_direction",
        "target_outside_mandate", "unknown_kpi", "unknown_parent",
    ]  # fmt: skip


def test_the_five_shipped_kommuner_validate_against_the_real_catalogue() -> None:
    catalogue = real_catalogue()
    results = validate_goal_files([SHIPPED], catalogue)
    assert {r.definition.kommun for r in results if r.definition} == SHIPPED_KOMMUNER
    for result in results:
        assert result.ok, "\n".join(map(str, result.problems))
        definition = result.definition
        assert definition is not None
        indicators = [i for g in definition.goals for i in g.indicators]
        assert len(indicators) >= 8, result.path


def test_dorotea_follows_its_policy() -> None:
    definition = validate_goal_file(SHIPPED / "2425-dorotea.yaml", real_catalogue()).definition
    assert definition is not None
    assert definition.vision == "Dorotea är en brusande tillväxtkommun i Sápmi."
    top = [g.title for g in definition.goals if g.parent is None]
    assert top == [
        "Utbildning, utveckling och tillväxt",
        "Demokrati, delaktighet och medborgardialog",
        "Moderna lösningar, nytänkande och minskad miljöpåverkan",
        "Hälsa, fritid och omsorg för alla åldrar",
    ]
    strategic = [g for g in definition.goals if g.level == "Strategiskt mål"]
    assert len(strategic) == 11 and all(not g.indicators for g in strategic)
    assert definition.defaults.reference.kind == "county"
    assert definition.defaults.rule.kind == "dorotea"


def test_the_json_schema_in_docs_is_current_and_accepts_the_shipped_files() -> None:
    stored = json.loads((ROOT / "docs" / "goal-definitions.schema.json").read_text("utf-8"))
    assert stored == json_schema(), (
        "run: kolada-goals goals schema > docs/goal-definitions.schema.json"
    )
    for path in SHIPPED.glob("*.yaml"):
        jsonschema.validate(yaml.safe_load(path.read_text("utf-8")), stored)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"format": 1, "kommun": "2425", "indikatorer": []}, stored)


def test_a_starting_file_validates_for_every_kommun(tmp_path: Path) -> None:
    catalogue = real_catalogue()
    kommuner = catalogue.kommun_ids()
    assert len(kommuner) == 290
    for kommun in kommuner:
        path = tmp_path / f"{kommun}-x.yaml"
        path.write_text(goal_file_template(kommun, catalogue), encoding="utf-8")
        result = validate_goal_file(path, catalogue)
        assert result.ok, result.problems
    with pytest.raises(KeyError):
        goal_file_template("0024", catalogue)


def test_loading_replaces_per_kommun_keeps_rows_of_a_broken_file_and_is_idempotent(
    tmp_path: Path,
) -> None:
    catalogue = real_catalogue()
    goals = tmp_path / "goals"
    shutil.copytree(SHIPPED, goals)
    con = connect()
    apply_schema(con)
    tables = ["goal", "goal_indicator", "goal_indicator_target", "goal_indicator_forecast",
              "goal_local_value", "goal_definition_file"]  # fmt: skip

    def snapshot() -> dict[str, list[tuple[object, ...]]]:
        return {
            t: con.execute(f"select * exclude (loaded_at) from {t} order by all").fetchall()
            if t == "goal_definition_file"
            else con.execute(f"select * from {t} order by all").fetchall()
            for t in tables
        }

    first = load_goal_definitions(con, goals, catalogue)
    assert sorted(first.loaded) == sorted(SHIPPED_KOMMUNER) and not first.problems
    before = snapshot()
    assert load_goal_definitions(con, goals, catalogue).loaded
    assert snapshot() == before

    dorotea = goals / "2425-dorotea.yaml"
    dorotea.write_text(dorotea.read_text("utf-8").replace("N15428", "N99999", 1), "utf-8")
    broken = load_goal_definitions(con, goals, catalogue)
    assert broken.kept == ["2425"] and [p.code for p in broken.problems] == ["unknown_kpi"]
    assert snapshot() == before

    missing = load_goal_definitions(con, tmp_path / "no-such-folder", catalogue)
    assert (missing.loaded, missing.removed) == ([], [])
    assert snapshot() == before

    (goals / "0331-heby.yaml").unlink()
    removed = load_goal_definitions(con, goals, catalogue)
    assert removed.removed == ["0331"]
    assert con.execute("select count(*) from goal where kommun_id = '0331'").fetchone() == (0,)
    assert con.execute("select count(*) from goal where kommun_id = '2425'").fetchone()[0] > 0


def test_the_kpi_watch_reports_removed_and_retitled_kpis(tmp_path: Path) -> None:
    con = connect()
    apply_schema(con)
    con.execute(
        "insert into core_kpi (kpi_id, title, is_divided_by_gender, municipality_type, "
        "has_ou_data) values ('N15428', 'Behöriga', true, 'A', false)"
    )
    load_goal_definitions(con, ROOT / "tests" / "goal_files" / "watch", SMALL_CATALOGUE)
    assert [str(c) for c in watch_kpis(con, "run-1")] == ["N00003: no longer in Kolada's catalogue"]
    con.execute("update core_kpi set title = 'Behöriga elever' where kpi_id = 'N15428'")
    changes = watch_kpis(con, "run-2")
    assert [(c.kpi_id, c.field, c.old_value, c.new_value) for c in changes] == [
        ("N00003", "exists", None, "false"),
        ("N15428", "title", "Behöriga", "Behöriga elever"),
    ]


runner = CliRunner()


def test_goals_validate_exits_non_zero_and_lists_every_error() -> None:
    metadata = str(require_samples() / "v3_metadata")
    ok = runner.invoke(app, ["goals", "validate", str(SHIPPED), "--metadata", metadata])
    assert ok.exit_code == 0, ok.output
    broken = [str(p) for p in BROKEN[:6]]
    failed = runner.invoke(app, ["goals", "validate", *broken, "--metadata", metadata])
    assert failed.exit_code == 1
    for path in broken:
        assert path in failed.output


def test_goals_validate_without_metadata_says_what_to_do(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["goals", "validate", str(SHIPPED), "--database", str(tmp_path / "none.duckdb")]
    )
    assert result.exit_code == 2 and "kolada-goals run" in result.output


def test_goals_new_writes_a_file_once(tmp_path: Path) -> None:
    metadata = str(require_samples() / "v3_metadata")
    args = [
        "goals",
        "new",
        "--kommun",
        "2480",
        "--directory",
        str(tmp_path),
        "--metadata",
        metadata,
    ]
    assert runner.invoke(app, args).exit_code == 0
    assert (tmp_path / "2480-umea.yaml").is_file()
    again = runner.invoke(app, args)
    assert again.exit_code == 1 and "already exists" in again.output
    wrong = runner.invoke(app, ["goals", "new", "--kommun", "9999", "--metadata", metadata])
    assert wrong.exit_code == 2 and "not a kommun" in wrong.output
