"""A replay from raw_ builds the catalogue and the value history again, without the network,
exactly as the runs built them."""

import random
from datetime import UTC, datetime
from typing import Any

import duckdb
import pytest

from kolada_goals.fake import synthetic_dataset
from kolada_goals.load import replay
from kolada_goals.load.replay import ReplayError, replay_up_to
from tests.extract.test_incremental_nights import (
    KPI_COUNT,
    change_night,
    load,
    new_database,
    scope_places,
)

pytestmark = pytest.mark.anyio

BUILT_TABLES = [
    "hist_kpi_value",
    "core_ou_value",
    "core_kpi",
    "core_kpi_group",
    "core_kpi_group_member",
    "core_municipality",
    "core_municipality_group",
    "core_municipality_group_member",
    "core_ou",
]


def built_tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[Any, ...]]]:
    return {table: con.execute(f"select * from {table} order by all").fetchall()
            for table in BUILT_TABLES}  # fmt: skip


def record_run(con: duckdb.DuckDBPyConnection, run_id: str, status: str = "succeeded") -> None:
    con.execute(
        "insert into meta_run (run_id, started_at, mode, base_url, status) "
        "values (?, ?, 'full', 'http://kolada.test', ?)",
        [run_id, datetime.now(UTC), status],
    )


async def test_a_replay_of_the_raw_rows_builds_every_night_again() -> None:
    dataset = synthetic_dataset()
    kpi_ids = [kpi["id"] for kpi in dataset.kpis[:KPI_COUNT]]
    places = scope_places(dataset, "every municipality")
    rng = random.Random(7)
    con = new_database()
    nights: dict[str, dict[str, list[tuple[Any, ...]]]] = {}
    for night in range(3):
        run_id = f"night-{night}"
        if night:
            change_night(dataset, rng, kpi_ids, night)
            # the catalogue changes too: a KPI is retitled and a kommun leaves a group
            dataset.kpis[0] = {**dataset.kpis[0], "title": f"Retitled on night {night}"}
            if night == 1:
                group = dataset.municipality_groups[2]
                dataset.municipality_groups[2] = {**group, "members": group["members"][1:]}
        record_run(con, run_id)
        summary, _ = await load(dataset, con, run_id, kpi_ids, places)
        assert summary.decision.mode == ("incremental" if night else "full")
        nights[run_id] = built_tables(con)
    assert nights["night-2"]["hist_kpi_value"] != nights["night-0"]["hist_kpi_value"]

    # Up to the last night: everything as the runs left it, down to validity times and run ids.
    summary = replay_up_to(con, "night-2")
    # The synthetic catalogue lists KPIs, kommuner and groups (no KPI groups, no units);
    # night 1 changed two of the lists, night 2 one.
    assert (summary.runs, summary.catalogue_lists) == (3, 3 + 2 + 1)
    assert built_tables(con) == nights["night-2"]
    # Up to an earlier night: the tables as that night left them.
    replay_up_to(con, "night-1")
    assert built_tables(con) == nights["night-1"]


async def test_only_a_succeeded_run_can_be_replayed() -> None:
    con = new_database()
    record_run(con, "killed", status="abandoned")
    with pytest.raises(ReplayError, match="run killed abandoned: only a succeeded run"):
        replay.replay_up_to(con, "killed")
    with pytest.raises(ReplayError, match="no run 'missing' in meta_run"):
        replay.replay_up_to(con, "missing")
