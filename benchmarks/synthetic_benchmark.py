"""Synthetic values benchmark: how fast the fake Kolada renders pages of SYNTHETIC values.

    .venv/bin/python benchmarks/synthetic_benchmark.py               # 200 KPIs x all x 30 years
    .venv/bin/python benchmarks/synthetic_benchmark.py --kpis 1000 --rounds 5

Pages are rendered as the fake's API renders them (page_json of 5000 records, requests of a
few KPIs x every municipality x every year), without HTTP or JSON decoding. Prints records/s
and values/s (a record of a KPI divided by gender holds three values) of the median round.
The catalogue is the real one when ../shared/kolada-samples is present (so every unit kind
occurs), else the invented one of 6,099 KPIs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from kolada_goals.fake import FakeDataset, load_folder, synthetic_dataset
from kolada_goals.fake.dataset import DenseAnswer
from kolada_goals.fake.synthetic import DEFAULT_YEARS, synthetic_metadata

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "kolada-samples"
PAGE_SIZE = 5000
KPIS_PER_REQUEST = 5


def benchmark_dataset() -> tuple[FakeDataset, str]:
    if (SAMPLES / "v3_metadata").is_dir():
        folder = load_folder(SAMPLES)
        dataset = synthetic_dataset(folder.kpis, folder.municipalities, folder.municipality_groups)
        return dataset, "real catalogue's metadata"
    kpis, places, groups = synthetic_metadata(kpi_count=6099)
    return synthetic_dataset(kpis, places, groups), "invented catalogue"


def render_all(dataset: FakeDataset, kpi_ids: list[str], place_ids: list[str]) -> int:
    """Every page of every request; returns the bytes rendered (so nothing is optimised out)."""
    rendered = 0
    for first in range(0, len(kpi_ids), KPIS_PER_REQUEST):
        answer = dataset.answer(
            kpi_ids[first : first + KPIS_PER_REQUEST], place_ids, list(DEFAULT_YEARS)
        )
        if not isinstance(answer, DenseAnswer):
            raise TypeError("the synthetic values should answer densely")
        for start in range(0, len(answer), PAGE_SIZE):
            rendered += len(answer.page_json(start, start + PAGE_SIZE))
    return rendered


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kpis", type=int, default=200, help="KPIs to render")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the median is printed")
    args = parser.parse_args()
    dataset, catalogue = benchmark_dataset()
    # Every n-th KPI, so that a slice of the real catalogue mixes its operating areas and units.
    step = max(1, len(dataset.kpis) // args.kpis)
    kpis: list[dict[str, Any]] = dataset.kpis[::step][: args.kpis]
    kpi_ids = [kpi["id"] for kpi in kpis]
    place_ids = dataset.municipality_ids()
    records = len(kpi_ids) * len(place_ids) * len(DEFAULT_YEARS)
    values = sum(len(dataset.values.genders(k)) for k in kpi_ids) * len(place_ids)
    values *= len(DEFAULT_YEARS)
    seconds = []
    for _ in range(args.rounds):
        started = time.perf_counter()
        rendered = render_all(dataset, kpi_ids, place_ids)
        seconds.append(time.perf_counter() - started)
    median = statistics.median(seconds)
    print(f"catalogue                     : {catalogue}")
    print(
        f"KPIs x municipalities x years : {len(kpi_ids)} x {len(place_ids)} x {len(DEFAULT_YEARS)}"
    )
    print(f"records, values               : {records:,}, {values:,} ({rendered / 2**20:,.0f} MiB)")
    print(f"seconds per round             : {', '.join(f'{s:.2f}' for s in seconds)}")
    print(f"records/s                     : {records / median:,.0f}")
    print(f"values/s                      : {values / median:,.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
