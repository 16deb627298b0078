"""Metadata benchmark: a second metadata refresh with nothing changed, on the real catalogue.

    python benchmarks/metadata_benchmark.py              # 3 unchanged refreshes after the first
    python benchmarks/metadata_benchmark.py --rounds 5

Serves ../shared/kolada-samples (6,099 KPIs, 3,630 municipality groups ...) from the fake
Kolada in process, refreshes every metadata entity once into a DuckDB file, then times each
further refresh (and the part of it spent in load_metadata, after the fetch), counts the
raw_metadata_record rows it landed and the core rows it deleted or inserted (rows compared
with their rowid: a row deleted and inserted again gets a new one, so a table rewritten with
the same rows counts twice its size). Also times the content hash of every record, as the
load computes it, on its own.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import statistics
import tempfile
import time
from pathlib import Path

import duckdb
import httpx
import orjson

from kolada_goals.extract.client import METADATA_ENTITIES, ClientSettings, KoladaClient
from kolada_goals.fake import create_app, load_folder
from kolada_goals.load import metadata, pipeline
from kolada_goals.warehouse import apply_schema, connect

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "kolada-samples"
CORE_TABLES = (
    "core_kpi",
    "core_kpi_group",
    "core_kpi_group_member",
    "core_municipality",
    "core_municipality_group",
    "core_municipality_group_member",
    "core_ou",
)


def raw_rows(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("select count(*) from raw_metadata_record").fetchone()
    assert row is not None
    return int(row[0])


def core_snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, set[tuple[object, ...]]]:
    return {
        table: set(con.execute(f"select rowid, * from {table}").fetchall()) for table in CORE_TABLES
    }


class TimedLoad:
    """pipeline's load_metadata, timed: the share of a refresh spent in DuckDB and Python
    after the fetch."""

    def __init__(self) -> None:
        self.seconds = 0.0
        pipeline.load_metadata = self  # type: ignore[assignment]

    def __call__(self, *args: object, **kwargs: object) -> object:
        started = time.perf_counter()
        try:
            return metadata.load_metadata(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            self.seconds += time.perf_counter() - started


def hash_seconds(records: list[dict[str, object]]) -> float:
    started = time.perf_counter()
    for record in records:
        hashlib.md5(orjson.dumps(record, option=orjson.OPT_SORT_KEYS)).hexdigest()
    return time.perf_counter() - started


async def main(rounds: int) -> None:
    dataset = load_folder(SAMPLES)
    timed = TimedLoad()
    settings = ClientSettings(base_url="http://kolada.test/v3", requests_per_second=None)
    transport = httpx.ASGITransport(app=create_app(dataset))
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "metadata.duckdb"
        con = connect(database)
        apply_schema(con)
        async with KoladaClient(settings, transport=transport) as client:
            started = time.perf_counter()
            counts = await pipeline.refresh_metadata(client, con, "bench-0")
            first = time.perf_counter() - started
            print(
                "records per entity            : "
                + ", ".join(f"{e} {n}" for e, n in counts.items())
            )
            print(f"first refresh                 : {first:.2f} s, {raw_rows(con)} raw rows")
            seconds: list[float] = []
            load_seconds: list[float] = []
            for round_number in range(1, rounds + 1):
                before_raw, before_core = raw_rows(con), core_snapshot(con)
                timed.seconds = 0.0
                started = time.perf_counter()
                await pipeline.refresh_metadata(client, con, f"bench-{round_number}")
                seconds.append(time.perf_counter() - started)
                load_seconds.append(timed.seconds)
                after_core = core_snapshot(con)
                core_changed = sum(len(before_core[t] ^ after_core[t]) for t in CORE_TABLES)
                print(
                    f"unchanged refresh {round_number}           : {seconds[-1]:.2f} s "
                    f"(load_metadata {load_seconds[-1]:.2f} s), "
                    f"{raw_rows(con) - before_raw} raw rows landed, "
                    f"{core_changed} core rows deleted or inserted"
                )
        print(
            f"unchanged refresh, median     : {statistics.median(seconds):.2f} s "
            f"(load_metadata {statistics.median(load_seconds):.2f} s)"
        )
        records = [r for entity in METADATA_ENTITIES for r in dataset.metadata(entity)]
        print(f"hashing {len(records)} records      : {1000 * hash_seconds(records):.1f} ms")
        con.execute("checkpoint")
        print(f"database file                 : {database.stat().st_size / 2**20:.1f} MiB")
        con.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    asyncio.run(main(parser.parse_args().rounds))
