"""Ingest benchmark: the real client against the fake Kolada on loopback, into DuckDB.

    python benchmarks/ingest_benchmark.py --case a     # 50 KPIs x every municipality x 25 years
    python benchmarks/ingest_benchmark.py --case b     # the full catalogue x 30 years
    python benchmarks/ingest_benchmark.py --case b --kpis 500   # a share of it
    python benchmarks/ingest_benchmark.py --case a --staged     # a reload: in place vs staged

Prints requests against the lower bound, values per second end to end and peak RSS of the
client process. With --staged: after a first load, the same full reload is timed twice, in
place on the work database and as a run does it (copy to a staging file, load there, swap
the copy in), and both rates are printed side by side.

The fake runs in its own process and serves SYNTHETIC values (for the real
catalogue's ids when ../shared/kolada-samples is present, else for an invented one).

The lower bound: with dense data every wanted (KPI, municipality, year) record must arrive
on some page and a page holds at most 5000 records, so no client can make fewer than
ceil(KPIs x municipalities x years / 5000) requests.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import resource
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from kolada_goals.extract.client import ClientSettings, KoladaClient
from kolada_goals.fake import create_app, load_folder, serve, synthetic_dataset
from kolada_goals.fake.synthetic import synthetic_metadata
from kolada_goals.load import pipeline
from kolada_goals.load.staged_run import staged_run
from kolada_goals.warehouse import apply_schema, connect

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "kolada-samples"


def serve_fake(port: int, kpi_count: int) -> None:
    if (SAMPLES / "v3_metadata").is_dir():
        folder = load_folder(SAMPLES)
        dataset = synthetic_dataset(folder.kpis, folder.municipalities, folder.municipality_groups)
    else:
        kpis, places, groups = synthetic_metadata(kpi_count=kpi_count)
        dataset = synthetic_dataset(kpis, places, groups)
    serve(create_app(dataset), port=port)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("the fake Kolada did not start")


async def run_case(base_url: str, database: Path, kpi_limit: int | None, years: range) -> None:
    settings = ClientSettings(base_url=base_url, requests_per_second=None, max_concurrency=4)
    con = connect(database)
    apply_schema(con)
    async with KoladaClient(settings) as client:
        await pipeline.refresh_metadata(client, con, "bench")
        metadata_requests = client.stats.requests
        kpi_ids = [
            str(r[0]) for r in con.execute("select kpi_id from core_kpi order by 1").fetchall()
        ]
        kpi_ids = kpi_ids[:kpi_limit] if kpi_limit else kpi_ids
        started = time.monotonic()
        summary = await pipeline.load_values(client, con, "bench", kpi_ids, list(years))
        seconds = time.monotonic() - started
        value_requests = client.stats.requests - metadata_requests
    plan = summary.plans[0]
    municipalities = con.execute("select count(*) from core_municipality").fetchone()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"KPIs x municipalities x years : {len(kpi_ids)} x {municipalities[0]} x {len(years)}")
    print(f"layout                        : {plan.layout}")
    print(f"value requests issued         : {value_requests}")
    print(f"lower bound                   : {plan.lower_bound}")
    print(
        f"ratio to lower bound          : {value_requests / plan.lower_bound:.3f} (target <= 1.05)"
    )
    print(f"values loaded                 : {summary.result.values:,}")
    print(f"seconds                       : {seconds:.1f}")
    rate = summary.result.values / seconds
    print(f"values/s end to end           : {rate:,.0f} (target >= 200,000)")
    print(f"peak RSS of the client        : {peak_mib:,.0f} MiB (target < 1024)")
    print(f"database size                 : {database.stat().st_size / 2**20:,.0f} MiB")
    con.close()


async def reload(
    client: KoladaClient, con: duckdb.DuckDBPyConnection, kpi_ids: list[str], years: range
) -> int:
    """A full reload of `kpi_ids`; returns the values loaded."""
    summary = await pipeline.load_values(client, con, "bench", kpi_ids, list(years),
                                         force_full=True)  # fmt: skip
    return summary.result.values


async def compare_staged(base_url: str, database: Path, kpi_limit: int | None, years: range,
                         rounds: int) -> None:  # fmt: skip
    """A first load, then full reloads in place and staged, alternately."""
    settings = ClientSettings(base_url=base_url, requests_per_second=None, max_concurrency=4)
    async with KoladaClient(settings) as client:
        con = connect(database)
        apply_schema(con)
        await pipeline.refresh_metadata(client, con, "bench")
        kpi_ids = [
            str(r[0]) for r in con.execute("select kpi_id from core_kpi order by 1").fetchall()
        ][:kpi_limit]
        await pipeline.load_values(client, con, "bench", kpi_ids, list(years))
        con.close()
        rates: dict[str, list[float]] = {"in place": [], "staged (copy, load, swap)": []}
        for _ in range(rounds):
            started = time.monotonic()
            con = connect(database)
            values = await reload(client, con, kpi_ids, years)
            con.close()
            rates["in place"].append(values / (time.monotonic() - started))
            started = time.monotonic()
            with staged_run(database) as run:
                values = await reload(client, run.stage(), kpi_ids, years)
                run.passed({})
                # As StagedRun.publish swaps it in, without the publishing copy (which a run
                # made before staging too).
                os.replace(run.files.staging, run.files.work)
            rates["staged (copy, load, swap)"].append(values / (time.monotonic() - started))
    print(f"work database                 : {database.stat().st_size / 2**20:,.0f} MiB")
    for name, found in rates.items():
        shown = ", ".join(f"{rate:,.0f}" for rate in found)
        print(f"{name:<30}: median {statistics.median(found):,.0f} values/s ({shown})")
    medians = [statistics.median(found) for found in rates.values()]
    print(f"staged against in place       : {medians[1] / medians[0] - 1:+.1%} (target >= -10 %)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=["a", "b"], default="a")
    parser.add_argument("--kpis", type=int, help="limit the number of KPIs (case b)")
    parser.add_argument(
        "--staged", action="store_true", help="time full reloads in place and staged"
    )
    parser.add_argument("--rounds", type=int, default=3, help="reloads of each kind (--staged)")
    args = parser.parse_args()
    kpi_limit, years = (
        (50, range(2001, 2026)) if args.case == "a" else (args.kpis, range(1996, 2026))
    )
    port = free_port()
    server = multiprocessing.get_context("spawn").Process(
        target=serve_fake, args=(port, 6099), daemon=True
    )
    server.start()
    try:
        wait_for(port)
        with tempfile.TemporaryDirectory() as folder:
            base_url, database = f"http://127.0.0.1:{port}/v3", Path(folder) / "bench.duckdb"
            if args.staged:
                asyncio.run(compare_staged(base_url, database, kpi_limit, years, args.rounds))
            else:
                asyncio.run(run_case(base_url, database, kpi_limit, years))
    finally:
        server.terminate()
        server.join()
    return 0


if __name__ == "__main__":
    sys.exit(main())
