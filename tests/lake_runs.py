"""Runs of the command on a DuckLake whose catalog is a real PostgreSQL server."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from kolada_goals.lake import LakeSettings, connect_lake
from tests.flows.test_temporary_server import run_environment
from tests.postgres_server import PostgresServer

ROOT = Path(__file__).resolve().parents[1]
# One kommun's goals (Dorotea's, whose policy is the reference rule): a run of them all
# fetches five times the values and proves nothing more about the lake.
DOROTEA = ROOT / "data" / "goals" / "2425-dorotea.yaml"


def dorotea_goals(tmp_path: Path) -> Path:
    folder = tmp_path / "goals"
    if not folder.is_dir():
        folder.mkdir()
        shutil.copy(DOROTEA, folder / DOROTEA.name)
    return folder


def new_lake(postgres: PostgresServer, tmp_path: Path, name: str) -> LakeSettings:
    return LakeSettings(postgres.new_database(name), str(tmp_path / f"{name}-data"))


def lake_arguments(lake: LakeSettings) -> list[str]:
    return ["--lake", lake.catalog, "--lake-data", str(lake.data_path)]


def cli(tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kolada_goals.cli", *arguments],
        capture_output=True, text=True, env=run_environment(tmp_path), check=False, cwd=ROOT,
    )  # fmt: skip


def offline_run(tmp_path: Path, *arguments: str, years: str = "2021-2022") -> list[str]:
    goals = dorotea_goals(tmp_path)
    return ["run", "--offline", "--years", years, "--goals", str(goals), *arguments]


def lake_rows(lake: LakeSettings, sql: str) -> list[tuple[Any, ...]]:
    with connect_lake(lake, read_only=True) as con:
        return con.execute(sql).fetchall()


def snapshot_id(lake: LakeSettings) -> int:
    [(snapshot,)] = lake_rows(lake, "select max(snapshot_id) from ducklake_snapshots('lake')")
    return int(snapshot)
