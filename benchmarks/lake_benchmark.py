"""The DuckDB file against the lake, side by side in one run: ingest values/s of case a (50
KPIs x every municipality x 25 years, the real client against the fake Kolada on loopback)
and the time of one build of every status mart on the status benchmark's SYNTHETIC data.

    createdb kolada_bench                      # an empty PostgreSQL database for the catalog
    .venv/bin/python benchmarks/lake_benchmark.py \\
        --lake "postgres:dbname=kolada_bench host=127.0.0.1 user=kolada"

Each storage is measured in a process of its own, so that each peak RSS is its own. On the
lake the load is one transaction committed at the end, as a run's is. Targets: the lake at
least half the file's values/s, peak RSS under 1 GB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ingest_benchmark import free_port, serve_fake, wait_for  # type: ignore[import-not-found]
from kolada_goals.extract.client import ClientSettings, KoladaClient
from kolada_goals.lake import LakeSettings, connect_lake
from kolada_goals.load import pipeline
from kolada_goals.status.marts import build_marts
from kolada_goals.transactions import begin_run_transaction, end_run_transaction
from kolada_goals.warehouse import apply_schema, connect

STATUS_DATA = Path(__file__).with_name("status_data.sql")
YEARS = range(2001, 2026)
KPIS = 50
# What the status benchmark's data replaces: the loaded catalogue, values and goals.
CLEARED = (
    "hist_kpi_value", "core_kpi", "core_municipality", "core_municipality_group",
    "core_municipality_group_member", "goal_definition_file", "goal", "goal_indicator",
    "goal_indicator_target", "goal_indicator_forecast", "goal_local_value",
)  # fmt: skip


async def measure(base_url: str, storage: str, lake: LakeSettings | None) -> dict[str, Any]:
    con = connect_lake(lake) if lake else connect(Path(storage) / "bench.duckdb")
    apply_schema(con)
    settings = ClientSettings(base_url=base_url, requests_per_second=None, max_concurrency=4)
    async with KoladaClient(settings) as client:
        await pipeline.refresh_metadata(client, con, "bench")
        kpi_ids = [
            str(r[0]) for r in con.execute("select kpi_id from core_kpi order by 1").fetchall()
        ]
        started = time.monotonic()
        if lake:
            begin_run_transaction(con)
        summary = await pipeline.load_values(client, con, "bench", kpi_ids[:KPIS], list(YEARS))
        if lake:
            end_run_transaction(con, commit=True)
        load_seconds = time.monotonic() - started
    load_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for table in CLEARED:
        con.execute(f"delete from {table}")
    for name, value in (("kommuner", 290), ("indicators", 200), ("years", 20)):
        con.execute(f"set variable {name} = {value}")
    con.execute(STATUS_DATA.read_text(encoding="utf-8"))
    builds = []
    for _ in range(2):
        started = time.monotonic()
        build_marts(con)
        builds.append(time.monotonic() - started)
    con.close()
    return {
        "values": summary.result.values,
        "values_per_second": summary.result.values / load_seconds,
        "marts_seconds": min(builds),
        "load_rss_mib": load_rss,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def child(arguments: argparse.Namespace) -> int:
    lake = (
        LakeSettings(arguments.lake, arguments.lake_data) if arguments.storage == "lake" else None
    )
    with tempfile.TemporaryDirectory() as folder:
        figures = asyncio.run(measure(arguments.base_url, folder, lake))
    print(json.dumps(figures))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lake", required=True, help="DuckLake catalog of an empty database")
    parser.add_argument("--lake-data", help="the lake's data path (default: a temporary folder)")
    parser.add_argument("--storage", choices=["file", "lake"], help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.storage:
        return child(arguments)
    port = free_port()
    server = multiprocessing.get_context("spawn").Process(
        target=serve_fake, args=(port, 6099), daemon=True
    )
    server.start()
    figures: dict[str, dict[str, Any]] = {}
    try:
        wait_for(port)
        with tempfile.TemporaryDirectory() as data:
            for storage in ("file", "lake"):
                done = subprocess.run(
                    [sys.executable, __file__, "--lake", arguments.lake,
                     "--lake-data", arguments.lake_data or data, "--storage", storage,
                     "--base-url", f"http://127.0.0.1:{port}/v3"],
                    capture_output=True, text=True, check=False,
                )  # fmt: skip
                if done.returncode != 0:
                    print(done.stdout, done.stderr, file=sys.stderr)
                    return done.returncode
                figures[storage] = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        server.terminate()
        server.join()
    file, lake = figures["file"], figures["lake"]
    print(f"{'':28}{'DuckDB file':>16}{'DuckLake':>16}")
    print(f"{'values loaded':28}{file['values']:>16,}{lake['values']:>16,}")
    print(f"{'ingest values/s (case a)':28}{file['values_per_second']:>16,.0f}"
          f"{lake['values_per_second']:>16,.0f}")  # fmt: skip
    print(
        f"{'status marts build (s)':28}{file['marts_seconds']:>16.2f}{lake['marts_seconds']:>16.2f}"
    )
    print(f"{'peak RSS after ingest (MiB)':28}{file['load_rss_mib']:>16,.0f}"
          f"{lake['load_rss_mib']:>16,.0f}")  # fmt: skip
    print(f"{'peak RSS with marts (MiB)':28}{file['peak_rss_mib']:>16,.0f}"
          f"{lake['peak_rss_mib']:>16,.0f}")  # fmt: skip
    share = lake["values_per_second"] / file["values_per_second"]
    print(f"lake against file: {share:.0%} of the file's values/s (target >= 50 %); "
          f"peak RSS target < 1024 MiB")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
