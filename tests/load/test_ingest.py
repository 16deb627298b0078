"""Fake Kolada -> client -> DuckDB, end to end, on real samples and on synthetic data."""

import csv
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import pytest

from kolada_goals.errors import UnknownKpiError
from kolada_goals.extract.client import KoladaClient, page_limit
from kolada_goals.fake import (
    FakeDataset,
    Fault,
    FaultPlan,
    create_app,
    load_folder,
    synthetic_dataset,
)
from kolada_goals.load import pipeline
from kolada_goals.load.ingest import IngestFailedError
from kolada_goals.warehouse import apply_schema, connect
from tests.helpers import fake_kolada_client, require_samples

pytestmark = pytest.mark.anyio
SAMPLE_CSV = "data/vasterbotten_9kpis_1994-2022_long.csv"


def client_for(dataset: FakeDataset, faults: Sequence[Fault] = (), app: Any = None) -> KoladaClient:
    return fake_kolada_client(app or create_app(dataset, FaultPlan(list(faults))))


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    connection = connect()
    apply_schema(connection)
    return connection


@pytest.fixture(scope="module")
def samples() -> Path:
    return require_samples()


@pytest.fixture(scope="module")
def sample_dataset(samples: Path) -> FakeDataset:
    return load_folder(samples)


def sample_rows(samples: Path) -> list[tuple[str, str, int, str, float | None]]:
    with (samples / SAMPLE_CSV).open(encoding="utf-8") as handle:
        return sorted(
            (r["kpi"], r["municipality"], int(r["period"]), r["gender"],
             float(r["value"]) if r["value"] else None)
            for r in csv.DictReader(handle)
        )  # fmt: skip


async def test_all_real_metadata_parses_and_loads(
    con: duckdb.DuckDBPyConnection, sample_dataset: FakeDataset
) -> None:
    async with client_for(sample_dataset) as client:
        counts = await pipeline.refresh_metadata(client, con, "run")
    assert counts["kpi"] == 6099
    assert counts["municipality"] == 312
    assert counts["municipality_groups"] == 3630
    assert con.execute("select count(*) from core_kpi").fetchone() == (6099,)
    assert con.execute(
        "select title, municipality_type from core_municipality where municipality_id = '0180'"
    ).fetchone() == ("Stockholm", "K")
    members = con.execute(
        "select count(*) from core_municipality_group_member where group_id = 'G33631'"
    ).fetchone()
    assert members == (15,)
    # operating_area is kept whole even where it holds ", ".
    assert (
        con.execute(
            "select count(*) from core_kpi where operating_area = 'Kommunen, övergripande'"
        ).fetchone()[0]
        > 0
    )


async def test_vasterbotten_values_arrive_in_duckdb_unchanged(
    con: duckdb.DuckDBPyConnection, sample_dataset: FakeDataset, samples: Path
) -> None:
    expected = sample_rows(samples)
    kpis = sorted({row[0] for row in expected})
    places = sorted({row[1] for row in expected})
    years = sorted({row[2] for row in expected})
    async with client_for(sample_dataset) as client:
        await pipeline.refresh_metadata(client, con, "run")
        summary = await pipeline.load_values(client, con, "run", kpis, years, places)
    stored = con.execute(
        "select kpi_id, municipality_id, period, gender, value from core_kpi_value order by all"
    ).fetchall()
    assert stored == expected
    assert summary.result.values == len(expected) == 6872
    assert sum(1 for row in stored if row[4] is None) == 359
    # ids keep their leading zeros, and the raw landing holds the same values
    assert (
        con.execute("select count(*) from raw_kpi_value where municipality_id = '0000'").fetchone()[
            0
        ]
        > 0
    )
    assert con.execute("select count(*) from raw_kpi_value").fetchone() == (len(expected),)
    # every value row names exactly one fetched page, and every page of the answer is named
    pages = con.execute(
        "select count(*), count(distinct (request_id, page_number)) "
        "from raw_kpi_value join raw_page using (run_id, request_id, page_number)"
    ).fetchone()
    assert pages == (
        len(expected),
        con.execute("select count(*) from raw_page where entity = 'data'").fetchone()[0],
    )


async def test_the_fake_group_value_is_the_mean_of_its_members(
    con: duckdb.DuckDBPyConnection, sample_dataset: FakeDataset, samples: Path
) -> None:
    rows = sample_rows(samples)
    members = [m["member_id"] for g in sample_dataset.municipality_groups
               if g["id"] == "G33631" for m in g["members"]]  # fmt: skip
    member_values = [
        value for kpi, place, period, gender, value in rows
        if (kpi, period, gender) == ("N15428", 2020, "T") and place in members
        and value is not None
    ]  # fmt: skip
    assert len(member_values) == 15
    async with client_for(sample_dataset) as client:
        await pipeline.refresh_metadata(client, con, "run")
        await pipeline.load_values(client, con, "run", ["N15428"], [2020], ["G33631", "2425"])
    value, count = con.execute(
        "select value, member_count from core_municipality_group_value "
        "where group_id = 'G33631' and gender = 'T'"
    ).fetchone()
    assert count == 15
    assert math.isclose(value, sum(member_values) / 15)
    assert math.isclose(value, 85.868, abs_tol=0.001)


def core_tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[Any]]:
    tables = ["core_kpi", "core_municipality", "core_municipality_group",
              "core_kpi_value", "core_municipality_group_value", "hist_kpi_value"]  # fmt: skip
    snapshot = {t: con.execute(f"select * from {t} order by all").fetchall() for t in tables}
    snapshot["membership"] = con.execute(
        "select group_id, member_id, member_title, valid_to from core_municipality_group_member "
        "order by all"
    ).fetchall()
    return snapshot


async def test_loading_twice_leaves_identical_tables(con: duckdb.DuckDBPyConnection) -> None:
    dataset = synthetic_dataset()
    kpis = [k["id"] for k in dataset.kpis[:3]]
    async with client_for(dataset) as client:
        await pipeline.refresh_metadata(client, con, "run-1")
        await pipeline.load_values(client, con, "run-1", kpis, [2020, 2021])
        first = core_tables(con)
        await pipeline.refresh_metadata(client, con, "run-2")
        await pipeline.load_values(client, con, "run-2", kpis, [2020, 2021], force_full=True)
    assert core_tables(con) == first
    assert len(first["core_kpi_value"]) > 0


async def test_an_unknown_kpi_is_refused_before_any_request(
    con: duckdb.DuckDBPyConnection,
) -> None:
    dataset = synthetic_dataset()
    async with client_for(dataset) as client:
        await pipeline.refresh_metadata(client, con, "run")
        requests_before = client.stats.requests
        with pytest.raises(UnknownKpiError, match="N99999"):
            await pipeline.load_values(client, con, "run", ["N99999"], [2020])
        assert client.stats.requests == requests_before


async def test_a_failed_chunk_keeps_earlier_values_and_fails_the_run(
    con: duckdb.DuckDBPyConnection,
) -> None:
    dataset = synthetic_dataset()
    kpis = [k["id"] for k in dataset.kpis[:5]]
    years = list(range(2011, 2021))
    places = dataset.municipality_ids()[:60]
    async with client_for(dataset) as client:
        await pipeline.refresh_metadata(client, con, "run-1")
        await pipeline.load_values(client, con, "run-1", kpis, years, places)
    before = core_tables(con)["core_kpi_value"]
    dataset.set_value(kpis[0], places[0], 2020, "T", 123.0, changed_on=dataset_day())
    target = pipeline.plan_values(con, kpis, years, places).requests[-1]
    faults = [Fault("server_error", path_contains=target.path(), times=None)]
    async with client_for(dataset, faults) as client:
        with pytest.raises(IngestFailedError, match="1 of") as caught:
            await pipeline.load_values(client, con, "run-2", kpis, years, places,
                                       force_full=True)  # fmt: skip
    assert [f.path for f in caught.value.result.failed] == [target.path()]
    after = core_tables(con)["core_kpi_value"]
    # The failed slice is as before; the others were loaded.
    assert target.municipality_ids is not None
    failed_places = set(target.municipality_ids)
    kept = [row for row in after if row[1] in failed_places]
    assert kept == [row for row in before if row[1] in failed_places] and kept
    assert (kpis[0], places[0], 2020, "T", 123.0, 1, "") in after
    assert con.execute("select path from meta_failed_request").fetchall() == [(target.path(),)]


def dataset_day() -> Any:
    from datetime import date

    return date(2026, 11, 1)


def hostile_setup() -> tuple[FakeDataset, list[str], list[int], list[str]]:
    dataset = synthetic_dataset()
    kpis = [k["id"] for k in dataset.kpis[:5]]
    return dataset, kpis, list(range(2011, 2021)), dataset.municipality_ids()[:60]


@pytest.mark.parametrize(
    ("how", "column", "foreign"),
    [
        ("foreign_municipality", "municipality_id", "9999"),
        ("foreign_period", "period", 1851),
        ("foreign_kpi", "kpi_id", "N99999"),
    ],
)
async def test_a_record_outside_its_request_fails_the_slice_and_is_never_stored(
    con: duckdb.DuckDBPyConnection, how: str, column: str, foreign: object
) -> None:
    dataset, kpis, years, places = hostile_setup()
    async with client_for(dataset) as client:
        await pipeline.refresh_metadata(client, con, "run")
    target = pipeline.plan_values(con, kpis, years, places).requests[-1]
    faults = [Fault("bad_record", path_contains=target.path(), bad_record=how)]  # type: ignore[arg-type]
    async with client_for(dataset, faults) as client:
        with pytest.raises(IngestFailedError, match="1 of") as caught:
            await pipeline.load_values(client, con, "run", kpis, years, places)
    [failure] = caught.value.result.failed
    assert failure.path == target.path()
    assert "was not asked for" in failure.error and target.path() in failure.error
    for table in ("raw_kpi_value", "hist_kpi_value"):
        stored = con.execute(
            f"select count(*) from {table} where {column} = ?", [foreign]
        ).fetchone()
        assert stored == (0,)
    assert con.execute("select count(*) from core_kpi_value").fetchone()[0] > 0


@pytest.mark.parametrize(
    "fault",
    [
        Fault("foreign_next_url", next_url="http://127.0.0.2/v3/data/kpi/N00001/year/2020"),
        Fault("endless", times=None),
    ],
    ids=["foreign-next-url", "endless"],
)
async def test_paging_away_or_without_end_fails_the_slice(
    con: duckdb.DuckDBPyConnection, fault: Fault
) -> None:
    dataset, kpis, years, places = hostile_setup()
    async with client_for(dataset) as client:
        await pipeline.refresh_metadata(client, con, "run")
    plan = pipeline.plan_values(con, kpis, years, places)
    target = plan.requests[-1]
    fault.path_contains = target.path()
    app = create_app(dataset, FaultPlan([fault]))
    async with client_for(dataset, app=app) as client:
        with pytest.raises(IngestFailedError, match="1 of") as caught:
            await pipeline.load_values(client, con, "run", kpis, years, places)
    [failure] = caught.value.result.failed
    assert failure.path == target.path()
    requested = [r for r in app.state.fake.requests if r.path == f"/v3/{target.path()}"]
    if fault.kind == "endless":
        assert "still a next_url after" in failure.error
        assert len(requested) == page_limit(target.expected_records, 5000)
    else:
        assert "leaves the base URL" in failure.error
        # Nothing was sent to the other host: the fake would have seen it.
        assert len(app.state.fake.requests) == len(plan.requests)
        assert "127.0.0.2" in failure.error


async def test_a_place_kolada_does_not_list_fails_a_request_without_a_municipality_segment(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """Such a request names every place Kolada lists, and only those."""
    dataset, kpis, years, _ = hostile_setup()
    async with client_for(dataset) as client:
        await pipeline.refresh_metadata(client, con, "run")
    plan = pipeline.plan_values(con, kpis, years)
    assert plan.layout == "all_municipalities"
    target = plan.requests[-1]
    faults = [Fault("bad_record", path_contains=target.path(), bad_record="foreign_municipality")]
    async with client_for(dataset, faults) as client:
        with pytest.raises(IngestFailedError, match="1 of") as caught:
            await pipeline.load_values(client, con, "run", kpis, years)
    [failure] = caught.value.result.failed
    assert "'9999' is not a place Kolada's catalogue lists" in failure.error
    assert target.path() in failure.error and '"municipality":"9999"' in failure.error
    for table in ("raw_kpi_value", "hist_kpi_value"):
        assert con.execute(
            f"select count(*) from {table} where municipality_id = '9999'"
        ).fetchone() == (0,)


async def test_places_nobody_asked_for_are_answered_counted_and_not_stored(
    con: duckdb.DuckDBPyConnection,
) -> None:
    dataset, kpis, years, _ = hostile_setup()
    async with client_for(dataset) as client:
        await pipeline.refresh_metadata(client, con, "run")
        kept_group = dataset.group_ids()[0]
        places = [*dataset.municipality_ids(), kept_group]
        plan = pipeline.plan_values(con, kpis, years, places)
        assert plan.layout == "all_municipalities"
        summary = await pipeline.load_values(client, con, "run", kpis, years, places)
    stored_places = {
        row[0]
        for row in con.execute("select distinct municipality_id from hist_kpi_value").fetchall()
    }
    assert stored_places <= set(places) and kept_group in stored_places
    # Every value of the other groups was answered and dropped: none is missing, none stored.
    other_groups = set(dataset.group_ids()) - {kept_group}
    answered_for_others = sum(
        len(dataset.gender_values(kpi, group, year))
        for kpi in kpis for group in other_groups for year in years
    )  # fmt: skip
    assert summary.result.dropped_values == answered_for_others > 0
