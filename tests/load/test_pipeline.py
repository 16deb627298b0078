"""The steps of a run: incremental nights ask only for what changed, in the cheaper layout."""

import math
import random
from datetime import date

import duckdb
import pytest

from kolada_goals.fake import FakeDataset, create_app, synthetic_dataset
from kolada_goals.fake.synthetic import synthetic_metadata
from kolada_goals.load import pipeline
from kolada_goals.warehouse import apply_schema, connect
from tests.load.test_ingest import client_for

pytestmark = pytest.mark.anyio
YEARS = list(range(2011, 2021))


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    connection = connect()
    apply_schema(connection)
    return connection


def value_requests(app: object, since: int) -> list[tuple[str, str]]:
    seen = app.state.fake.requests[since:]  # type: ignore[attr-defined]
    return [(r.path, r.query) for r in seen if r.path.startswith("/v3/data/")]


async def loaded(con: duckdb.DuckDBPyConnection, dataset: FakeDataset) -> tuple[object, list[str]]:
    app = create_app(dataset)
    kpis = [k["id"] for k in dataset.kpis[:30]]
    async with client_for(dataset, app=app) as client:
        await pipeline.refresh_metadata(client, con, "run-1")
        summary = await pipeline.load_values(client, con, "run-1", kpis, YEARS)
    assert summary.decision.mode == "full"
    return app, kpis


async def test_a_quiet_night_asks_once_per_25_kpis_without_a_municipality_segment(
    con: duckdb.DuckDBPyConnection,
) -> None:
    dataset = synthetic_dataset()
    app, kpis = await loaded(con, dataset)
    before = len(app.state.fake.requests)  # type: ignore[attr-defined]
    async with client_for(dataset, app=app) as client:
        summary = await pipeline.load_values(client, con, "run-2", kpis, YEARS)
    assert summary.decision.mode == "incremental"
    assert summary.plans[-1].layout == "all_municipalities"
    requests = value_requests(app, before)
    assert all("from_date=" in query for _, query in requests)
    # One sample request by municipality, then one request per 25 KPIs for every place.
    assert len(requests) == 1 + math.ceil(len(kpis) / 25)
    assert sum("/municipality/" not in path for path, _ in requests) == math.ceil(len(kpis) / 25)
    assert summary.result.new_values == summary.result.revised_values == 0


def dataset_with_peer_groups(count: int = 2000, size: int = 10) -> FakeDataset:
    """The synthetic catalogue with as many peer groups as Kolada has: a change of one
    kommun's value changes the means of the groups it is in."""
    kpis, places, groups = synthetic_metadata()
    rng = random.Random(3)
    kommuner = [place for place in places if place["type"] == "K"]
    peers = [
        {
            "id": f"G{900000 + n}",
            "title": f"Liknande kommuner SYNTETISK {n}",
            "members": [
                {"member_id": m["id"], "member_title": m["title"]}
                for m in rng.sample(kommuner, size)
            ],
        }
        for n in range(count)
    ]
    return synthetic_dataset(kpis, places, [*groups, *peers])


async def test_scattered_changes_are_asked_for_by_municipality_and_all_arrive(
    con: duckdb.DuckDBPyConnection,
) -> None:
    dataset = dataset_with_peer_groups()
    app, kpis = await loaded(con, dataset)
    rng = random.Random(7)
    kommuner = dataset.municipality_ids()
    changes = {}
    for _ in range(len(kpis) * len(kommuner) * len(YEARS) // 50):  # about 2 % of records
        key = (rng.choice(kpis), rng.choice(kommuner), rng.choice(YEARS), "T")
        changes[key] = round(rng.uniform(0, 100), 1)
    for (kpi, place, year, gender), value in changes.items():
        dataset.set_value(kpi, place, year, gender, value, changed_on=date.today())
    before = len(app.state.fake.requests)  # type: ignore[attr-defined]
    async with client_for(dataset, app=app) as client:
        summary = await pipeline.load_values(client, con, "run-2", kpis, YEARS)
    assert summary.plans[-1].layout == "by_municipality"
    assert summary.layouts is not None
    requests = value_requests(app, before)
    assert len(requests) == len(summary.layouts.by_municipality)
    stored = dict(
        ((kpi, place, year, gender), value)
        for kpi, place, year, gender, value in con.execute(
            "select kpi_id, municipality_id, period, gender, value from core_kpi_value"
        ).fetchall()
    )
    assert all(stored[key] == value for key, value in changes.items())


def test_the_groups_of_cost_quality_pairs_are_fetched_like_other_references() -> None:
    con = connect()
    apply_schema(con)
    con.execute(
        "insert into goal_cost_quality (kommun_id, goal_id, quality_indicator_id, "
        "cost_indicator_id, ordinal, reference_kind, reference_group_id) "
        "values ('0331', 'EM3.2', 'q', 'c', 0, 'similar', 'G176552')"
    )
    assert "G176552" in pipeline.value_places(con)
