"""The example queries for analysts (docs/queries/*.sql) run on the sample warehouse and
return the columns their headers describe."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.helpers import require_samples
from tests.sample_warehouse import sample_warehouse as build_sample_warehouse

QUERIES = Path(__file__).resolve().parents[2] / "docs" / "queries"

EXPECTED_COLUMNS = {
    "01-county-ranking.sql": [
        "ranking", "kommun_id", "kommun_name", "kpi_id", "kpi_title", "period", "gender",
        "value", "source_label",
    ],
    "02-turned-red-since-delarsrapport.sql": [
        "goal_id", "indicator_id", "indicator_title", "kpi_id", "status_then", "period_then",
        "mode_then", "value_then", "reason_then", "status_now", "period_now", "value_now",
        "reference_value", "deviation_pct", "target_value", "reason_now", "snapshot_at",
        "source_label",
    ],
    "03-revisions-this-month.sql": [
        "revised_at", "run_id", "kpi_id", "kpi_title", "municipality_id", "municipality_name",
        "period", "gender", "old_value", "new_value", "change", "is_withdrawn",
        "old_valid_from", "indicator_count", "source_label",
    ],
    "04-goal-status-tree.sql": [
        "indented_title", "goal_id", "parent_goal_id", "depth", "level", "owner", "status",
        "green_count", "yellow_count", "red_count", "grey_count", "reason", "rollup_method",
        "source_label",
    ],
    "05-grey-indicators.sql": [
        "goal_id", "indicator_id", "indicator_title", "kpi_id", "kpi_missing", "rule",
        "period", "mode", "value", "reference_count", "reference_expected", "target_value",
        "reason", "motivation", "publication_date", "source_label",
    ],
    "06-kpi-time-series.sql": [
        "period", "kommun_value", "county_mean", "county_count", "county_expected",
        "kolada_county_value", "riket_value", "diff_county", "diff_riket",
    ],
    "07-county-mean-vs-kolada.sql": [
        "reference_kind", "reference_id", "group_title", "kpi_id", "kpi_title", "period",
        "gender", "computed_mean", "computed_count", "expected_count", "kolada_group_id",
        "kolada_value", "kolada_count", "difference", "count_differs",
    ],
    "08-values-as-of-date.sql": [
        "kpi_id", "kpi_title", "period", "gender", "value_then", "value_now", "change",
        "source_label",
    ],
    "09-recent-runs.sql": [
        "run_id", "started_at", "finished_at", "duration", "mode", "status", "requests",
        "retries", "failed_requests", "pages", "records", "new_values", "revised_values",
        "withdrawn_values", "changed_kpis", "row_counts", "error",
    ],
    "10-kpi-title-changes-and-removals.sql": [
        "kommun_id", "goal_id", "indicator_id", "indicator_title", "kpi_id", "change",
        "old_value", "new_value", "checked_at", "run_id", "kpi_missing_now",
    ],
}  # fmt: skip

COMMENT_LINE = re.compile(r"^\s*--.*$", re.MULTILINE)


def query_files() -> list[Path]:
    return sorted(QUERIES.glob("*.sql"))


def statements(path: Path) -> list[str]:
    """The file's statements: split on ';' at line ends, comment-only pieces dropped."""
    pieces = re.split(r";[ \t]*$", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return [piece.strip() for piece in pieces if COMMENT_LINE.sub("", piece).strip()]


def without_comments(statement: str) -> str:
    return COMMENT_LINE.sub("", statement).strip()


def run_query(
    con: duckdb.DuckDBPyConnection, path: Path, overrides: dict[str, str] | None = None
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run the file's `set variable` statements, then `overrides` (name -> SQL literal), then
    its final query. Variables left by an earlier file are reset first."""
    for (name,) in con.execute("select name from duckdb_variables()").fetchall():
        con.execute(f"reset variable {name}")
    *settings, query = statements(path)
    for setting in settings:
        con.execute(setting)
    for name, literal in (overrides or {}).items():
        con.execute(f"set variable {name} = {literal}")
    relation = con.sql(query)
    return relation.columns, relation.fetchall()


@pytest.fixture(scope="module")
def samples() -> Path:
    return require_samples()


@pytest.fixture(scope="module")
def sample_warehouse(samples: Path) -> duckdb.DuckDBPyConnection:
    con = build_sample_warehouse(samples)
    con.execute(
        "create table if not exists snap_indicator_status as "
        "select ''::varchar snapshot_label, now() snapshot_at, * "
        "from mart_indicator_report limit 0"
    )
    return con


def test_there_are_exactly_ten_numbered_queries() -> None:
    names = [path.name for path in query_files()]
    assert len(names) == 10
    assert [name[:3] for name in names] == [f"{n:02d}-" for n in range(1, 11)]
    assert sorted(EXPECTED_COLUMNS) == names


@pytest.mark.parametrize("name", sorted(EXPECTED_COLUMNS))
def test_query_file_is_documented_and_sets_its_variables(name: str) -> None:
    path = QUERIES / name
    text = path.read_text(encoding="utf-8")
    assert text.startswith("-- Question:"), "the header starts with the question"
    assert "-- Svenska:" in text and "-- Columns:" in text and "-- Parameters" in text
    *settings, query = statements(path)
    set_names = set()
    for setting in settings:
        match = re.fullmatch(r"set variable (\w+) = .+", without_comments(setting), re.DOTALL)
        assert match, f"only `set variable` statements come before the query: {setting!r}"
        set_names.add(match.group(1))
    assert re.match(r"(with|select)\b", without_comments(query))
    used = set(re.findall(r"getvariable\('(\w+)'\)", query))
    assert used == set_names, "every variable the query reads is set at the top, and no other"
    header = "\n".join(COMMENT_LINE.findall(text))
    for variable in used:
        assert f"getvariable('{variable}')" in header, f"the header documents {variable}"


@pytest.mark.parametrize("name", sorted(EXPECTED_COLUMNS))
def test_query_runs_and_returns_its_columns(
    sample_warehouse: duckdb.DuckDBPyConnection, name: str
) -> None:
    columns, _ = run_query(sample_warehouse, QUERIES / name)
    assert columns == EXPECTED_COLUMNS[name]


def test_county_ranking_of_vasterbotten_on_n15428(
    sample_warehouse: duckdb.DuckDBPyConnection,
) -> None:
    columns, rows = run_query(
        sample_warehouse,
        QUERIES / "01-county-ranking.sql",
        {"county": "'24'", "kpi": "'N15428'", "gender": "'T'", "higher_is_better": "true"},
    )
    result = [dict(zip(columns, row, strict=True)) for row in rows]
    assert len(result) == 15
    assert {row["kommun_id"][:2] for row in result} == {"24"}
    assert len({row["kommun_id"] for row in result}) == 15
    values = [row["value"] for row in result]
    assert None not in values
    assert values == sorted(values, reverse=True)
    assert [row["ranking"] for row in result] == list(range(1, 16))
    assert {row["period"] for row in result} == {2022}
    assert result[0]["kommun_name"] == "Dorotea"
    assert {row["source_label"] for row in result} == {"Källa: Kolada"}


def test_county_ranking_lower_is_better_reverses_the_order(
    sample_warehouse: duckdb.DuckDBPyConnection,
) -> None:
    columns, rows = run_query(
        sample_warehouse,
        QUERIES / "01-county-ranking.sql",
        {"county": "'24'", "kpi": "'N15428'", "higher_is_better": "false"},
    )
    values = [row[columns.index("value")] for row in rows]
    assert len(values) == 15
    assert values == sorted(values)


def test_turned_red_compares_the_snapshot_with_todays_outcome(
    sample_warehouse: duckdb.DuckDBPyConnection,
) -> None:
    con = sample_warehouse
    label = "test delår 2025"
    # A delårsrapport in which every indicator was green.
    con.execute(
        "insert into snap_indicator_status "
        "select $label, now(), * replace ('green' as status) from mart_indicator_report "
        "where kommun_id = '2425' and report_mode = 'forecast' and report_year = 2025",
        {"label": label},
    )
    try:
        columns, rows = run_query(
            con,
            QUERIES / "02-turned-red-since-delarsrapport.sql",
            {"kommun": "'2425'", "report_year": "2025", "snapshot_label": f"'{label}'"},
        )
        expected = {
            indicator
            for (indicator,) in con.execute(
                "select indicator_id from mart_indicator_report "
                "where kommun_id = '2425' and report_mode = 'outcome' and report_year = 2025 "
                "and status = 'red'"
            ).fetchall()
        }
    finally:
        con.execute("delete from snap_indicator_status where snapshot_label = $1", [label])
    found = [dict(zip(columns, row, strict=True)) for row in rows]
    assert expected, "the samples give Dorotea red indicators in 2025"
    assert {row["indicator_id"] for row in found} == expected
    assert {(row["status_then"], row["status_now"]) for row in found} == {("green", "red")}


def test_goal_tree_lists_every_goal_after_its_parent(
    sample_warehouse: duckdb.DuckDBPyConnection,
) -> None:
    columns, rows = run_query(sample_warehouse, QUERIES / "04-goal-status-tree.sql")
    goals = [dict(zip(columns, row, strict=True)) for row in rows]
    (count,) = sample_warehouse.execute(
        "select count(*) from goal where kommun_id = '2425'"
    ).fetchone() or (0,)
    assert len(goals) == count > 0
    seen: set[str] = set()
    for goal in goals:
        assert goal["parent_goal_id"] is None or goal["parent_goal_id"] in seen
        assert goal["indented_title"].startswith("    " * goal["depth"])
        seen.add(goal["goal_id"])
