"""Ingest benchmark: the real client against the fake Kolada on loopback, into DuckDB.

    python benchmarks/ingest_benchmark.py --case a     # 50 KPIs x every municipality x 25 years
    python benchmarks/ingest_benchmark.py --case b     # the full catalogue x 30 years
    python benchmarks/ingest_benchmark.py --case b --kpis 500   # a share of it

Prints requests against the lower bound, values per second end to end and peak RSS of the
client process. The fake runs in its own process and serves SYNTHETIC values (for the real
catalogue's ids when ../shared/kolada-samples is present, else for an invented one).

The lower bound: with dense data every wanted (KPI, municipality, year) record must arrive
on some page and a page holds at most 5000 records, so no client can make fewer than
ceil(KPIs x municipalities x years / 5000) requests.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import resource
import socket
import sys
import tempfile
import time
from pathlib import Path

from kolada_goals import pipeline
from kolada_goals.client import ClientSettings, KoladaClient
from kolada_goals.fake import create_app, load_folder, serve, synthetic_dataset
from kolada_goals.fake.synthetic import synthetic_metadata
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=["a", "b"], default="a")
    parser.add_argument("--kpis", type=int, help="limit the number of KPIs (case b)")
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
            asyncio.run(run_case(f"http://127.0.0.1:{port}/v3", Path(folder) / "bench.duckdb",
                                 kpi_limit, years))  # fmt: skip
    finally:
        server.terminate()
        server.join()
    return 0


if __name__ == "__main__":
    sys.exit(main())
