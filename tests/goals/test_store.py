"""A nightly load of goal definitions: a broken file keeps its kommun's earlier definitions
while the other kommuner load, whatever broke it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from kolada_goals.goals import store, validate
from kolada_goals.goals.catalogue import Catalogue
from kolada_goals.goals.source import MAX_GOAL_FILE_BYTES
from kolada_goals.goals.store import load_goal_definitions
from kolada_goals.warehouse import apply_schema, connect
from tests.helpers import require_samples

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "data" / "goals"
TABLES = ["goal", "goal_indicator", "goal_indicator_target", "goal_indicator_forecast",
          "goal_local_value", "goal_definition_file"]  # fmt: skip
DOROTEA_TITLE = "För- och grundskola ska hålla en god kvalitet"
FALUN = "2080-falun.yaml"


def rows_of(con: duckdb.DuckDBPyConnection, kommun_id: str) -> dict[str, list[tuple[object, ...]]]:
    rows = {}
    for table in TABLES:
        columns = "* exclude (loaded_at)" if table == "goal_definition_file" else "*"
        rows[table] = con.execute(
            f"select {columns} from {table} where kommun_id = ? order by all", [kommun_id]
        ).fetchall()
    return rows


def falun_title(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute(
        "select title from goal where kommun_id = '2080' order by ordinal limit 1"
    ).fetchone()
    assert row is not None
    return str(row[0])


Breaker = Callable[[Path, pytest.MonkeyPatch], None]


def alias_bomb(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = (ROOT / "tests" / "goal_files" / "broken" / "58-alias-bomb.yaml").read_text("utf-8")
    path.write_text(bomb, encoding="utf-8")


def oversized(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with path.open("ab") as handle:
        handle.write(b"#" * MAX_GOAL_FILE_BYTES)


def not_utf8(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path.write_bytes(path.read_text("utf-8").encode("latin-1"))


def nested_20000_deep(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\nnote: " + "[" * 20_000 + "]" * 20_000 + "\n")


def a_folder(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path.unlink()
    path.mkdir()


def memory_error(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = validate.load_yaml_with_lines

    def parse(text: str) -> object:
        if DOROTEA_TITLE in text:
            raise MemoryError
        return original(text)

    monkeypatch.setattr(validate, "load_yaml_with_lines", parse)


def repeated_local_year(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Before it was checked, a year in both `values` and the CSV broke the store's primary
    # key, and with it the whole run.
    text = path.read_text("utf-8")
    values = "          values: {2023: 14, 2024: 18}\n"
    assert values in text
    path.write_text(text.replace(values, values + "          csv: 2425-extra.csv\n"), "utf-8")
    indicator = text.split(values)[0].rsplit("- id: ", 1)[1].split("\n")[0]
    (path.parent / "2425-extra.csv").write_text(
        f"indicator_id,period,value\n{indicator},2024,19\n", encoding="utf-8"
    )


def unstorable(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = store._store_file

    def store_file(
        con: duckdb.DuckDBPyConnection, result: object, run_id: object, catalogue: object
    ) -> None:
        original(con, result, run_id, catalogue)  # type: ignore[arg-type]
        if "2425" in str(result.path):  # type: ignore[attr-defined]
            duplicate_row = (
                "insert into goal_local_value (kommun_id, indicator_id, period, value) "
                "values ('2425', 'x', 1, 1)"
            )
            con.execute(duplicate_row)
            con.execute(duplicate_row)

    monkeypatch.setattr(store, "_store_file", store_file)


@pytest.mark.parametrize(
    "breaker",
    [alias_bomb, oversized, not_utf8, nested_20000_deep, a_folder, memory_error,
     repeated_local_year, unstorable],
    ids=lambda breaker: breaker.__name__,
)  # fmt: skip
def test_a_file_turned_broken_keeps_its_kommun_while_another_kommun_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, breaker: Breaker
) -> None:
    catalogue = Catalogue.from_metadata_folder(require_samples() / "v3_metadata")
    goals = tmp_path / "goals"
    shutil.copytree(SHIPPED, goals)
    con = connect()
    apply_schema(con)
    first = load_goal_definitions(con, goals, catalogue, run_id="night-1")
    assert "2425" in first.loaded and not first.problems
    dorotea_before = rows_of(con, "2425")

    dorotea = goals / "2425-dorotea.yaml"
    assert DOROTEA_TITLE in dorotea.read_text("utf-8")
    falun = goals / FALUN
    old_title = falun_title(con)
    falun.write_text(falun.read_text("utf-8").replace(old_title, "Ny rubrik", 1), "utf-8")
    breaker(dorotea, monkeypatch)

    second = load_goal_definitions(con, goals, catalogue, run_id="night-2")
    assert second.kept == ["2425"] and "2425" not in second.loaded
    assert second.problems and all(p.path == dorotea for p in second.problems), second.problems
    assert all(str(dorotea) in str(p) for p in second.problems)
    assert rows_of(con, "2425") == dorotea_before
    assert "2080" in second.loaded and falun_title(con) == "Ny rubrik"
    assert second.removed == []


def test_a_broken_file_that_names_no_kommun_stops_no_load_and_no_kommun_is_removed(
    tmp_path: Path,
) -> None:
    catalogue = Catalogue.from_metadata_folder(require_samples() / "v3_metadata")
    goals = tmp_path / "goals"
    shutil.copytree(SHIPPED, goals)
    con = connect()
    apply_schema(con)
    load_goal_definitions(con, goals, catalogue)
    heby_before = rows_of(con, "0331")

    # Heby's file is renamed and broken on the way: which kommun it is, nothing says.
    (goals / "0331-heby.yaml").rename(goals / "heby-ny.yaml")
    (goals / "heby-ny.yaml").write_bytes(b"kommun: \xff\xfe\n")
    falun = goals / FALUN
    old_title = falun_title(con)
    falun.write_text(falun.read_text("utf-8").replace(old_title, "Ny rubrik", 1), "utf-8")

    summary = load_goal_definitions(con, goals, catalogue)
    assert [(p.path.name, p.code) for p in summary.problems] == [("heby-ny.yaml", "encoding")]
    assert summary.removed == [] and rows_of(con, "0331") == heby_before
    assert "2080" in summary.loaded and falun_title(con) == "Ny rubrik"

    (goals / "heby-ny.yaml").unlink()
    assert load_goal_definitions(con, goals, catalogue).removed == ["0331"]
