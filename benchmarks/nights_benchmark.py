"""Nights benchmark: requests and wall time of a full load, a night with nothing changed and a
night where 1 % of the kommuner's values changed, with their lower bounds.

    python benchmarks/nights_benchmark.py                 # case a and the full catalogue
    python benchmarks/nights_benchmark.py --case a        # 50 KPIs x every municipality x 25 years
    python benchmarks/nights_benchmark.py --case catalogue --change-kpis 500  # concentrated

The real client and loader against the fake Kolada on loopback, in its own process, serving
SYNTHETIC values (for the real catalogue's ids when ../shared/kolada-samples is present).
Between nights the fake's values are revised at random (seeded), dated today, as Kolada
would answer them with from_date; a group's mean changes with its members.

Case a loads in full first. For the full catalogue (x every municipality x 25 years, a run's
default) the full load is planned, not run (ingest_benchmark.py --case b runs one): the
nights start from load states recorded as if it had run, with no values stored, which
changes neither the requests nor their answers. --change-kpis N revises 1 % of the values of
the first N KPIs only (all KPIs are still asked): changes concentrated in a few KPIs.

Lower bounds: a full load needs ceil(KPIs x places x years / 5000) requests; a night needs
at least one request per 25 KPIs and 25 years in the cheaper layout, and at least the pages
its changed records fill in the layout without a municipality segment (counted from the
fake's changes and group memberships), whichever layout a client chooses: the smaller of
the two layouts' requests.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import multiprocessing
import random
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

# Run as a script: its folder is on sys.path.
from ingest_benchmark import free_port, wait_for
from kolada_goals.extract.client import ClientSettings, KoladaClient
from kolada_goals.extract.incremental import record_loaded, scope_hash
from kolada_goals.extract.planner import MAX_IDS_PER_SEGMENT, MAX_PER_PAGE, balanced_chunks
from kolada_goals.fake import FakeDataset, create_app, load_folder, serve, synthetic_dataset
from kolada_goals.fake.synthetic import synthetic_metadata
from kolada_goals.load import pipeline
from kolada_goals.warehouse import apply_schema, connect

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "kolada-samples"
CASE_A = (50, range(2001, 2026))
CATALOGUE_YEARS = range(2001, 2026)  # 25 years, the default of a run


def dataset_for_benchmark() -> FakeDataset:
    if (SAMPLES / "v3_metadata").is_dir():
        folder = load_folder(SAMPLES)
        return synthetic_dataset(folder.kpis, folder.municipalities, folder.municipality_groups)
    kpis, places, groups = synthetic_metadata(kpi_count=6099)
    return synthetic_dataset(kpis, places, groups)


def revise(dataset: FakeDataset, kpi_ids: list[str], years: list[int], share: float) -> int:
    """Revise `share` of the kommuner's (KPI, place, year) values at random, dated today."""
    rng = random.Random(1)
    places = [m["id"] for m in dataset.municipalities if m.get("type") == "K"] or (
        dataset.municipality_ids()
    )
    combinations = len(kpi_ids) * len(places) * len(years)
    changed = 0
    for index in rng.sample(range(combinations), round(combinations * share)):
        kpi_index, rest = divmod(index, len(places) * len(years))
        place_index, year_index = divmod(rest, len(years))
        kpi, place, year = kpi_ids[kpi_index], places[place_index], years[year_index]
        for entry in dataset.gender_values(kpi, place, year):
            if entry["value"] is not None:
                dataset.set_value(kpi, place, year, entry["gender"], entry["value"] + 1.0,
                                  changed_on=date.today())  # fmt: skip
                changed += 1
    return changed


def changed_records(dataset: FakeDataset, kpi_ids: list[str], years: list[int]) -> list[int]:
    """Records of the from_date answers without a municipality segment, per request: the
    places whose own values changed, and every group with a changed member (counted, not
    answered: the answers of a full catalogue's 1 % night hold tens of millions of means)."""
    groups_of: dict[str, list[str]] = {}
    for group in dataset.municipality_groups:
        for member in group.get("members") or []:
            groups_of.setdefault(member["member_id"], []).append(group["id"])
    since = date.today()
    changed: dict[str, list[tuple[str, int]]] = {}
    for (kpi, place, year, _), change in dataset.changes.items():
        if change.changed_on >= since:
            changed.setdefault(kpi, []).append((place, year))
    counts = []
    for kpi_chunk in balanced_chunks(sorted(kpi_ids), MAX_IDS_PER_SEGMENT):
        for year_chunk in balanced_chunks(years, MAX_IDS_PER_SEGMENT):
            wanted_years = set(year_chunk)
            records: set[tuple[str, str, int]] = set()
            for kpi in kpi_chunk:
                for place, year in changed.get(kpi, ()):
                    if year in wanted_years:
                        records.add((kpi, place, year))
                        records.update((kpi, group, year) for group in groups_of.get(place, ()))
            counts.append(len(records))
    return counts


def serve_fake(port: int, control: Connection) -> None:
    """The fake Kolada, and a thread that changes its values on command."""
    dataset = dataset_for_benchmark()

    def obey() -> None:
        while True:
            command, args = control.recv()
            if command == "revise":
                control.send(revise(dataset, *args))
            elif command == "changed_records":
                control.send(changed_records(dataset, *args))

    threading.Thread(target=obey, daemon=True).start()
    serve(create_app(dataset), port=port)


@dataclass
class Night:
    name: str
    requests: int
    value_requests: int
    seconds: float
    lower_bound: int | None
    note: str = ""


async def night(
    client: KoladaClient, con: Any, name: str, kpi_ids: list[str], years: range
) -> tuple[Night, pipeline.ValueLoadSummary]:
    before = client.stats.requests
    started = time.monotonic()
    await pipeline.refresh_metadata(client, con, "bench")
    metadata_requests = client.stats.requests - before
    summary = await pipeline.load_values(client, con, "bench", kpi_ids, list(years))
    seconds = time.monotonic() - started
    requests = client.stats.requests - before
    return Night(name, requests, requests - metadata_requests, seconds, None), summary


def night_lower_bound(summary: pipeline.ValueLoadSummary, answers: list[int]) -> int:
    """The smaller of the two layouts' fewest requests (see the module docstring)."""
    by_municipality = len(summary.layouts.by_municipality) if summary.layouts else 0
    all_places = sum(max(1, math.ceil(records / MAX_PER_PAGE)) for records in answers)
    return min(by_municipality, all_places) if by_municipality else all_places


async def run_case(
    case: str, base_url: str, database: Path, control: Connection, change_kpis: int | None
) -> list[Night]:
    settings = ClientSettings(base_url=base_url, requests_per_second=None, max_concurrency=4)
    con = connect(database)
    apply_schema(con)
    nights: list[Night] = []
    async with KoladaClient(settings) as client:
        await pipeline.refresh_metadata(client, con, "bench")
        kpi_ids = [
            str(r[0]) for r in con.execute("select kpi_id from core_kpi order by 1").fetchall()
        ]
        kpi_count, years = CASE_A if case == "a" else (len(kpi_ids), CATALOGUE_YEARS)
        kpi_ids = kpi_ids[:kpi_count]
        if case == "a":
            full, summary = await night(client, con, "full load", kpi_ids, years)
            full.lower_bound = summary.plans[0].lower_bound
        else:
            plan = pipeline.plan_values(con, kpi_ids, list(years))
            record_loaded(con, kpi_ids, scope_hash(years, None), datetime.now(UTC), is_full=True)
            planned = len(plan.requests)
            note = "planned, not run: ingest_benchmark.py --case b"
            full = Night("full load", planned, planned, math.nan, plan.lower_bound, note)
        nights.append(full)
        quiet, summary = await night(client, con, "nothing changed", kpi_ids, years)
        control.send(("changed_records", (kpi_ids, list(years))))
        quiet.lower_bound = night_lower_bound(summary, control.recv())
        nights.append(quiet)
        revised_kpis = kpi_ids[: change_kpis or len(kpi_ids)]
        control.send(("revise", (revised_kpis, list(years), 0.01)))
        revised = control.recv()
        changed, summary = await night(client, con, "1 % changed", kpi_ids, years)
        control.send(("changed_records", (kpi_ids, list(years))))
        changed.lower_bound = night_lower_bound(summary, control.recv())
        changed.note = f"{revised:,} values revised in {len(revised_kpis)} KPIs; " + ", ".join(
            plan.layout for plan in summary.plans
        )
        nights.append(changed)
    con.close()
    return nights


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=["a", "catalogue", "both"], default="both")
    parser.add_argument(
        "--change-kpis", type=int, help="revise only the first N KPIs on the 1 %% night"
    )
    args = parser.parse_args()
    cases = ["a", "catalogue"] if args.case == "both" else [args.case]
    results: dict[str, list[Night]] = {}
    for case in cases:
        port = free_port()
        ours, theirs = multiprocessing.get_context("spawn").Pipe()
        server = multiprocessing.get_context("spawn").Process(
            target=serve_fake, args=(port, theirs), daemon=True
        )
        server.start()
        try:
            wait_for(port)
            with tempfile.TemporaryDirectory() as folder:
                results[case] = asyncio.run(
                    run_case(case, f"http://127.0.0.1:{port}/v3", Path(folder) / "n.duckdb",
                             ours, args.change_kpis)
                )  # fmt: skip
        finally:
            server.terminate()
            server.join()
    print(f"{'case':<10} {'night':<22} {'requests':>9} {'values':>7} {'bound':>6} "
          f"{'ratio':>6} {'seconds':>8}  note")  # fmt: skip
    for case, nights in results.items():
        for row in nights:
            ratio = row.value_requests / row.lower_bound if row.lower_bound else math.nan
            print(
                f"{case:<10} {row.name:<22} {row.requests:>9} {row.value_requests:>7} "
                f"{row.lower_bound or 0:>6} {ratio:>6.2f} {row.seconds:>8.1f}  {row.note}"
            )
    print("requests: all of the night's, metadata included; values: value requests only;")
    print("targets: a nothing-changed night of case a in at most 10 requests; of the catalogue")
    print("in at most 1.05 x ceil(6099 / 25) value requests; a 1 % night within 1.2 x its bound.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
