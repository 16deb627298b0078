"""Time the status marts on SYNTHETIC data: 290 kommuner x 200 indicators x 20 years.

    .venv/bin/python benchmarks/status_benchmark.py [--kommuner 290] [--indicators 200] [--years 20]
        [--database FILE]

Prints the size of the input and the time of one build of every mart (target: under 2 s).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from kolada_goals.status.marts import build_marts
from kolada_goals.warehouse import apply_schema, connect

DATA_SQL = Path(__file__).with_name("status_data.sql")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kommuner", type=int, default=290)
    parser.add_argument("--indicators", type=int, default=200)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--database", help="a DuckDB file to build in (with the run's memory limit); "
        "default: in memory",
    )  # fmt: skip
    args = parser.parse_args()
    con = connect(args.database) if args.database else connect()
    apply_schema(con)
    started = time.perf_counter()
    for name in ("kommuner", "indicators", "years"):
        con.execute(f"set variable {name} = {int(getattr(args, name))}")
    con.execute(DATA_SQL.read_text(encoding="utf-8"))
    values = con.execute("select count(*) from hist_kpi_value").fetchone()[0]  # type: ignore[index]
    shape = f"{args.kommuner} kommuner x {args.indicators} indicators x {args.years} years"
    generated = time.perf_counter() - started
    print(f"synthetic input: {values:,} values, {shape} ({generated:.1f} s to generate)")
    for run in range(1, args.runs + 1):
        started = time.perf_counter()
        counts = build_marts(con)
        seconds = time.perf_counter() - started
        print(f"run {run}: marts built in {seconds:.2f} s  {counts}")


if __name__ == "__main__":
    main()
