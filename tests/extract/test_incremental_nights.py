"""Night after night of incremental loads end where a fresh full load of the same data does.

Each night the fake Kolada revises, adds and withdraws values (members of the kept groups
among them, so the groups' means move too), the incremental run asks only for what changed
(from_date) and must leave the same current values as a database loaded in full from
scratch. Only pipeline's public steps are used, so the test holds however requests are laid
out.
"""

import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb
import pytest

from kolada_goals.fake import FakeDataset, create_app, synthetic_dataset
from kolada_goals.load import pipeline
from kolada_goals.warehouse import apply_schema, connect
from tests.helpers import fake_kolada_client

pytestmark = pytest.mark.anyio

KPI_COUNT = 4  # of the synthetic catalogue: N90000 and N90003 are divided by gender
YEARS = list(range(2018, 2023))
KEPT_GROUPS = ["G33612", "G2328"]  # county 01's kommuner, and every kommun
NIGHTS = 4
CHANGES_PER_NIGHT = 30

TABLES = {
    "core_kpi_value": "select * from core_kpi_value order by all",
    "core_municipality_group_value": "select * from core_municipality_group_value order by all",
    "open hist_kpi_value": (
        "select kpi_id, municipality_id, period, gender, value, count, status, is_deleted "
        "from hist_kpi_value where valid_to is null and not is_deleted order by all"
    ),
}


def new_database() -> duckdb.DuckDBPyConnection:
    con: duckdb.DuckDBPyConnection = connect()
    apply_schema(con)
    return con


def tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[Any, ...]]]:
    return {name: con.execute(sql).fetchall() for name, sql in TABLES.items()}


async def load(
    dataset: FakeDataset,
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    kpi_ids: Sequence[str],
    places: Sequence[str],
) -> tuple[pipeline.ValueLoadSummary, list[str]]:
    """One run's metadata and values; returns its summary and the queries of its data
    requests."""
    app = create_app(dataset)
    async with fake_kolada_client(app) as client:
        await pipeline.refresh_metadata(client, con, run_id)
        summary = await pipeline.load_values(client, con, run_id, kpi_ids, YEARS, places)
    queries = [seen.query for seen in app.state.fake.requests if seen.path.startswith("/v3/data")]
    return summary, queries


def members(dataset: FakeDataset, group_id: str) -> list[str]:
    [group] = [g for g in dataset.municipality_groups if g["id"] == group_id]
    return [member["member_id"] for member in group["members"]]


def change_night(
    dataset: FakeDataset, rng: random.Random, kpi_ids: Sequence[str], night: int
) -> None:
    """Revisions, new values and withdrawals, dated within the from_date the next run sends:
    it asks from the day before its last load, so both today and yesterday are seen."""
    today = datetime.now(UTC).date()
    county = members(dataset, KEPT_GROUPS[0])
    kommuner = members(dataset, KEPT_GROUPS[1])
    others = [m for m in dataset.municipality_ids() if m not in kommuner]  # Riket, regions
    for _ in range(CHANGES_PER_NIGHT):
        kpi_id = rng.choice(kpi_ids)
        place = rng.choice([rng.choice(county), rng.choice(kommuner), rng.choice(others)])
        period = rng.choice(YEARS)
        gender = rng.choice(dataset.values.genders(kpi_id))
        changed_on = rng.choice([today, today - timedelta(days=1)])
        draw = rng.random()
        if draw < 0.3:
            dataset.delete_value(kpi_id, place, period, gender, changed_on)
        else:  # a revision, or a new value where it was withdrawn or null, or a new null
            value = None if draw < 0.4 else round(rng.uniform(1, 1000), 2)
            dataset.set_value(kpi_id, place, period, gender, value, changed_on)
    if night == 2:
        # Every member of the county group withdraws one value: the group's goes too.
        for member in county:
            dataset.delete_value(kpi_ids[0], member, YEARS[0], "T", today)
    if night == 3:
        # ... and one comes back, which brings the group's value back.
        dataset.set_value(kpi_ids[0], county[0], YEARS[0], "T", 42.0, today)


def scope_places(dataset: FakeDataset, scope: str) -> list[str]:
    """Every municipality, or one county's kommuner with its region and Riket (whose
    requests name the groups; the kommuner of other counties still move G2328's mean)."""
    if scope == "every municipality":
        return [*dataset.municipality_ids(), *KEPT_GROUPS]
    return ["0000", "0001", *members(dataset, KEPT_GROUPS[0]), *KEPT_GROUPS]


@pytest.mark.parametrize(
    ("seed", "scope"),
    [(1, "every municipality"), (2, "every municipality"), (3, "one county"), (4, "one county")],
)
async def test_incremental_nights_match_a_fresh_full_load(seed: int, scope: str) -> None:
    dataset = synthetic_dataset()
    kpi_ids = [kpi["id"] for kpi in dataset.kpis[:KPI_COUNT]]
    places = scope_places(dataset, scope)
    rng = random.Random(seed)
    con = new_database()
    first, _ = await load(dataset, con, "night-0", kpi_ids, places)
    assert first.decision.mode == "full"
    before = tables(con)
    for night in range(1, NIGHTS + 1):
        change_night(dataset, rng, kpi_ids, night)
        summary, queries = await load(dataset, con, f"night-{night}", kpi_ids, places)
        assert summary.decision.mode == "incremental"
        assert queries and all("from_date=" in query for query in queries)
        fresh = new_database()
        await load(dataset, fresh, f"fresh-{night}", kpi_ids, places)
        after, expected = tables(con), tables(fresh)
        for name in TABLES:
            missing = sorted(set(expected[name]) - set(after[name]))[:5]
            extra = sorted(set(after[name]) - set(expected[name]))[:5]
            assert after[name] == expected[name], f"night {night}, {name}: {missing=} {extra=}"
        # The night changed what is stored, kommuner and the kept groups alike.
        assert after["core_kpi_value"] != before["core_kpi_value"]
        assert after["core_municipality_group_value"] != before["core_municipality_group_value"]
        before = after
