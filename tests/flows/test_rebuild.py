"""`kolada-goals rebuild --from-raw RUN_ID`, run as a user runs it: after an offline run, the
rebuild publishes the same history and statuses from raw_ alone."""

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.flows.test_temporary_server import run_environment
from tests.lake_runs import dorotea_goals

pytestmark = pytest.mark.slow

BUILT = {
    "hist_kpi_value": "select * from hist_kpi_value order by all",
    "core_kpi": "select * from core_kpi order by all",
    "core_municipality_group_member": "select * from core_municipality_group_member order by all",
    # Means of many values differ in their last bits from one build to the next (DuckDB
    # sums on several threads): compared to 9 digits.
    "mart_indicator_status": (
        "select * replace (round(value, 9) as value, round(reference_value, 9) as "
        "reference_value, round(deviation_pct, 9) as deviation_pct) "
        "from mart_indicator_status order by all"
    ),
    "mart_goal_status": "select * from mart_goal_status order by all",
}


def cli(tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kolada_goals.cli", *arguments,
         "--database", str(tmp_path / "k.duckdb"),
         "--work-database", str(tmp_path / "work" / "k.duckdb")],
        capture_output=True, text=True, env=run_environment(tmp_path), check=False,
    )  # fmt: skip


def published(tmp_path: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(tmp_path / "k.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_a_rebuild_from_raw_publishes_what_the_run_published(tmp_path: Path) -> None:
    goals = dorotea_goals(tmp_path)
    ran = cli(tmp_path, "run", "--offline", "--years", "2021-2022", "--goals", str(goals))
    assert ran.returncode == 0, ran.stdout + ran.stderr
    [(run_id,)] = published(tmp_path, "select run_id from meta_run where status = 'succeeded'")
    before = {name: published(tmp_path, sql) for name, sql in BUILT.items()}
    assert before["mart_indicator_status"], "the offline run set no statuses"

    rebuilt = cli(tmp_path, "rebuild", "--from-raw", run_id)
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert f"replayed 1 run(s) up to {run_id}" in rebuilt.stdout + rebuilt.stderr
    assert {name: published(tmp_path, sql) for name, sql in BUILT.items()} == before
    modes = published(tmp_path, "select mode, status from meta_run order by started_at")
    assert modes == [("full", "succeeded"), ("rebuild", "succeeded")]

    unknown = cli(tmp_path, "rebuild", "--from-raw", "no-such-run")
    assert unknown.returncode == 1
    assert "no run 'no-such-run' in meta_run" in unknown.stdout + unknown.stderr
    assert "Traceback" not in unknown.stdout + unknown.stderr
