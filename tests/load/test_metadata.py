"""Metadata is fetched in full every run, but only what changed is landed raw and written to
the core tables; the current lists stay rebuildable from raw_metadata_record alone, through
raw retention too, and the KPI watch still sees every change."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import httpx
import orjson
import pytest

from kolada_goals.extract.client import METADATA_ENTITIES, ClientSettings, KoladaClient
from kolada_goals.fake import FakeDataset, create_app, synthetic_dataset
from kolada_goals.goals.store import watch_kpis
from kolada_goals.load import pipeline, raw
from kolada_goals.load.metadata import (
    CatalogueShrankError,
    MetadataBatch,
    MetadataChanges,
    load_metadata,
)
from kolada_goals.load.schemas import SchemaViolation
from kolada_goals.warehouse import apply_schema, connect

pytestmark = pytest.mark.anyio
DAY_0 = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
CORE_TABLES = ("core_kpi", "core_kpi_group", "core_kpi_group_member", "core_municipality",
               "core_municipality_group", "core_municipality_group_member", "core_ou")  # fmt: skip
# The current list of an entity from raw_ alone: the latest row of each record, unless removed.
CURRENT_FROM_RAW = """
    select record from raw_metadata_record where entity = ?
    qualify row_number() over (partition by record_id order by fetched_at desc) = 1
        and not is_removed
"""
# raw_metadata_record as versions before change-only landing made it.
OLD_RAW_METADATA = """
create table raw_metadata_record (run_id varchar not null, entity varchar not null,
    request_url varchar not null, fetched_at timestamptz not null,
    record_index integer not null, record json not null);
"""


def client_for(dataset: FakeDataset) -> KoladaClient:
    settings = ClientSettings(base_url="http://kolada.test/v3", requests_per_second=None)
    return KoladaClient(settings, transport=httpx.ASGITransport(app=create_app(dataset)))


def small_dataset() -> FakeDataset:
    """The synthetic catalogue, with KPI groups and units, whose records tests may change."""
    dataset = synthetic_dataset()
    kpi_ids = [kpi["id"] for kpi in dataset.kpis]
    dataset.kpi_groups = [
        {"id": f"GKPI{n}", "title": f"Grupp {n}",
         "members": [{"member_id": kpi_id, "member_title": None} for kpi_id in kpi_ids[n::5]]}
        for n in range(3)
    ]  # fmt: skip
    dataset.ous = [
        {"id": f"V15E{n:09d}", "municipality": "2480", "title": f"Skola {n}"} for n in range(4)
    ]
    return dataset


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    connection = connect()
    apply_schema(connection)
    return connection


async def refresh(
    dataset: FakeDataset, con: duckdb.DuckDBPyConnection, run_id: str, day: int = 0
) -> dict[str, MetadataChanges]:
    """What pipeline.refresh_metadata does, fetched as of DAY_0 + `day`, with the changes."""
    changes: dict[str, MetadataChanges] = {}
    async with client_for(dataset) as client:
        for entity in METADATA_ENTITIES:
            url, records, _ = await client.fetch_all(entity)
            batch = MetadataBatch(run_id, entity, url, DAY_0 + timedelta(days=day), records)
            changes[entity] = load_metadata(con, batch)
    return changes


def landed(con: duckdb.DuckDBPyConnection, run_id: str) -> list[tuple[Any, ...]]:
    return con.execute(
        "select entity, record_id, is_removed from raw_metadata_record where run_id = ? "
        "order by all",
        [run_id],
    ).fetchall()


def core_rows(con: duckdb.DuckDBPyConnection) -> dict[str, set[tuple[Any, ...]]]:
    """Every core row with its rowid: a row deleted and inserted again gets a new rowid."""
    return {t: set(con.execute(f"select rowid, * from {t}").fetchall()) for t in CORE_TABLES}


def rewritten(
    before: dict[str, set[tuple[Any, ...]]], after: dict[str, set[tuple[Any, ...]]]
) -> dict[str, int]:
    """Rows deleted or inserted per table (a changed row counts twice)."""
    return {t: len(before[t] ^ after[t]) for t in CORE_TABLES if before[t] ^ after[t]}


def current_from_raw(con: duckdb.DuckDBPyConnection, entity: str) -> list[Any]:
    rows = con.execute(CURRENT_FROM_RAW, [entity]).fetchall()
    return sorted((orjson.loads(row[0]) for row in rows), key=lambda r: r["id"])


def assert_raw_rebuilds(con: duckdb.DuckDBPyConnection, dataset: FakeDataset) -> None:
    for entity in METADATA_ENTITIES:
        fetched = sorted(dataset.metadata(entity), key=lambda r: r["id"])
        assert current_from_raw(con, entity) == fetched, entity


def unchanged(dataset: FakeDataset, entity: str) -> MetadataChanges:
    return MetadataChanges(entity, unchanged=len(dataset.metadata(entity)))


async def test_an_unchanged_refresh_lands_nothing_and_rewrites_no_core_row(
    con: duckdb.DuckDBPyConnection, caplog: pytest.LogCaptureFixture
) -> None:
    dataset = small_dataset()
    first = await refresh(dataset, con, "run-1")
    assert first["kpi"] == MetadataChanges("kpi", new=len(dataset.kpis))
    before, raw_before = core_rows(con), con.execute("from raw_metadata_record").fetchall()
    second = await refresh(dataset, con, "run-2", day=1)
    assert second == {entity: unchanged(dataset, entity) for entity in METADATA_ENTITIES}
    assert landed(con, "run-2") == []
    assert rewritten(before, core_rows(con)) == {}
    assert con.execute("from raw_metadata_record").fetchall() == raw_before
    with caplog.at_level(logging.INFO, logger="kolada_goals.load.pipeline"):
        async with client_for(dataset) as client:
            counts = await pipeline.refresh_metadata(client, con, "run-3")
    assert counts["kpi"] == len(dataset.kpis) == 40
    assert "metadata kpi: 40 records, 0 new, 0 changed, 0 removed" in caplog.messages
    assert landed(con, "run-3") == []
    assert rewritten(before, core_rows(con)) == {}


async def test_a_retitled_kpi_lands_one_row_and_replaces_one_core_row(
    con: duckdb.DuckDBPyConnection,
) -> None:
    dataset = small_dataset()
    await refresh(dataset, con, "run-1")
    before = core_rows(con)
    kpi = dataset.kpis[7]
    dataset.kpis[7] = {**kpi, "title": "Ny titel"}
    changes = await refresh(dataset, con, "run-2", day=1)
    assert changes["kpi"] == MetadataChanges("kpi", changed=1, unchanged=39)
    assert landed(con, "run-2") == [("kpi", kpi["id"], False)]
    assert rewritten(before, core_rows(con)) == {"core_kpi": 2}
    assert con.execute("select title from core_kpi where kpi_id = ?", [kpi["id"]]).fetchone() == (
        "Ny titel",
    )
    assert con.execute(
        "select record_index, record ->> 'title' from raw_metadata_record where run_id = 'run-2'"
    ).fetchall() == [(7, "Ny titel")]
    assert_raw_rebuilds(con, dataset)


async def test_the_same_content_with_its_keys_in_another_order_is_unchanged(
    con: duckdb.DuckDBPyConnection,
) -> None:
    dataset = small_dataset()
    await refresh(dataset, con, "run-1")
    dataset.kpis[0] = dict(reversed(dataset.kpis[0].items()))
    changes = await refresh(dataset, con, "run-2", day=1)
    assert changes["kpi"] == unchanged(dataset, "kpi")
    assert landed(con, "run-2") == []


async def test_a_new_municipality_lands_one_row_and_one_core_row(
    con: duckdb.DuckDBPyConnection,
) -> None:
    dataset = small_dataset()
    await refresh(dataset, con, "run-1")
    before = core_rows(con)
    dataset.municipalities.append({"id": "2999", "title": "Nya kommunen", "type": "K"})
    changes = await refresh(dataset, con, "run-2", day=1)
    assert changes["municipality"] == MetadataChanges(
        "municipality", new=1, unchanged=len(dataset.municipalities) - 1
    )
    assert landed(con, "run-2") == [("municipality", "2999", False)]
    assert rewritten(before, core_rows(con)) == {"core_municipality": 1}
    assert ("2999", "Nya kommunen", "K") in con.execute("from core_municipality").fetchall()
    assert_raw_rebuilds(con, dataset)


async def test_a_removed_group_member_lands_its_group_and_closes_one_membership(
    con: duckdb.DuckDBPyConnection,
) -> None:
    dataset = small_dataset()
    await refresh(dataset, con, "run-1")
    before = core_rows(con)
    group = dataset.municipality_groups[2]
    gone = group["members"][0]["member_id"]
    dataset.municipality_groups[2] = {**group, "members": group["members"][1:]}
    changes = await refresh(dataset, con, "run-2", day=1)
    assert changes["municipality_groups"].changed == 1
    assert landed(con, "run-2") == [("municipality_groups", group["id"], False)]
    # The group's own row is as it was; the membership row is closed, in place.
    assert rewritten(before, core_rows(con)) == {"core_municipality_group_member": 2}
    closed = con.execute(
        "select group_id, member_id, valid_to from core_municipality_group_member "
        "where valid_to is not null"
    ).fetchall()
    assert closed == [(group["id"], gone, DAY_0 + timedelta(days=1))]
    assert_raw_rebuilds(con, dataset)


async def test_a_removed_kpi_lands_a_removal_row_and_leaves_core_kpi(
    con: duckdb.DuckDBPyConnection,
) -> None:
    dataset = small_dataset()
    await refresh(dataset, con, "run-1")
    before = core_rows(con)
    kpi = dataset.kpis[3]
    dataset.remove_kpi(kpi["id"])
    changes = await refresh(dataset, con, "run-2", day=1)
    assert changes["kpi"] == MetadataChanges("kpi", removed=1, unchanged=39)
    assert landed(con, "run-2") == [("kpi", kpi["id"], True)]
    row = con.execute(
        "select record_index, record from raw_metadata_record where run_id = 'run-2'"
    ).fetchone()
    assert row is not None and row[0] is None and orjson.loads(row[1]) == kpi
    assert rewritten(before, core_rows(con)) == {"core_kpi": 1}
    assert con.execute(
        "select count(*) from core_kpi where kpi_id = ?", [kpi["id"]]
    ).fetchone() == (0,)
    assert_raw_rebuilds(con, dataset)

    # Back again, it is new; gone again, it is removed again.
    dataset.kpis.append(kpi)
    assert (await refresh(dataset, con, "run-3", day=2))["kpi"].new == 1
    assert_raw_rebuilds(con, dataset)
    dataset.remove_kpi(kpi["id"])
    assert (await refresh(dataset, con, "run-4", day=3))["kpi"].removed == 1
    assert (await refresh(dataset, con, "run-5", day=4))["kpi"] == unchanged(dataset, "kpi")
    assert_raw_rebuilds(con, dataset)


async def test_a_kpi_group_losing_a_member_replaces_only_that_member_row(
    con: duckdb.DuckDBPyConnection,
) -> None:
    dataset = small_dataset()
    await refresh(dataset, con, "run-1")
    before = core_rows(con)
    group = dataset.kpi_groups[1]
    dataset.kpi_groups[1] = {
        **group,
        "title": "Grupp 1, ny",
        "members": [{**m, "member_title": "x"} for m in group["members"][:1]],
    }
    changes = await refresh(dataset, con, "run-2", day=1)
    assert changes["kpi_groups"] == MetadataChanges("kpi_groups", changed=1, unchanged=2)
    assert landed(con, "run-2") == [("kpi_groups", group["id"], False)]
    members = len(group["members"])
    # The title, the retitled member (out and in) and the members gone.
    assert rewritten(before, core_rows(con)) == {
        "core_kpi_group": 2,
        "core_kpi_group_member": 2 + members - 1,
    }
    assert_raw_rebuilds(con, dataset)


async def test_raw_retention_keeps_the_current_version_of_every_record(
    con: duckdb.DuckDBPyConnection,
) -> None:
    dataset = small_dataset()
    await refresh(dataset, con, "run-1")
    retitled, removed = dataset.kpis[0], dataset.kpis[1]
    dataset.kpis[0] = {**retitled, "title": "Ny titel"}
    dataset.remove_kpi(removed["id"])
    await refresh(dataset, con, "run-2", day=10)
    await refresh(dataset, con, "run-3", day=50)
    rows_before = con.execute("select count(*) from raw_metadata_record").fetchone()
    # Cutoff at day 25: the first version of the retitled KPI, and both rows of the removed one.
    assert raw.prune_raw(con, 35, now=DAY_0 + timedelta(days=60)) == 3
    rows_after = con.execute("select count(*) from raw_metadata_record").fetchone()
    assert rows_before is not None and rows_after == (rows_before[0] - 3,)
    assert con.execute(
        "select count(*) from raw_metadata_record where record_id in (?, ?)",
        [retitled["id"], removed["id"]],
    ).fetchone() == (1,)
    assert_raw_rebuilds(con, dataset)
    # Compared with what is kept, the next unchanged fetch still lands nothing.
    changes = await refresh(dataset, con, "run-4", day=61)
    assert changes == {entity: unchanged(dataset, entity) for entity in METADATA_ENTITIES}
    # Long after, every current record is still there, once.
    assert raw.prune_raw(con, 35, now=DAY_0 + timedelta(days=1000)) == 0
    assert_raw_rebuilds(con, dataset)


async def test_a_refused_list_writes_nothing(con: duckdb.DuckDBPyConnection) -> None:
    dataset = small_dataset()
    await refresh(dataset, con, "run-1")
    before, raw_before = core_rows(con), con.execute("from raw_metadata_record").fetchall()
    kept = dataset.kpis[:10]
    dataset.kpis = kept
    with pytest.raises(CatalogueShrankError, match="core_kpi"):
        await refresh(dataset, con, "run-2", day=1)
    dataset.kpis = [*kept, {**kept[0], "id": "X1"}]
    with pytest.raises(SchemaViolation, match="kpi_id"):
        await refresh(dataset, con, "run-3", day=2)
    assert core_rows(con) == before
    assert con.execute("from raw_metadata_record").fetchall() == raw_before


def watch(con: duckdb.DuckDBPyConnection, run_id: str) -> list[tuple[Any, ...]]:
    return [(c.kpi_id, c.field, c.old_value, c.new_value) for c in watch_kpis(con, run_id)]


async def test_the_kpi_watch_sees_a_retitled_and_a_removed_kpi_and_nothing_else(
    con: duckdb.DuckDBPyConnection,
) -> None:
    dataset = small_dataset()
    watched = [dataset.kpis[5], dataset.kpis[6]]
    for n, kpi in enumerate(watched):
        con.execute(
            "insert into goal_indicator (kommun_id, indicator_id, goal_id, ordinal, kpi_id, "
            "gender, reference_kind, rule, is_example) "
            "values ('2480', ?, 'g1', ?, ?, 'T', 'riket', 'monitor', false)",
            [f"i{n}", n, kpi["id"]],
        )
    await refresh(dataset, con, "run-1")
    assert watch(con, "run-1") == []
    await refresh(dataset, con, "run-2", day=1)
    assert watch(con, "run-2") == []
    dataset.kpis[5] = {**watched[0], "title": "Ny titel"}
    await refresh(dataset, con, "run-3", day=2)
    assert watch(con, "run-3") == [(watched[0]["id"], "title", watched[0]["title"], "Ny titel")]
    await refresh(dataset, con, "run-4", day=3)
    assert watch(con, "run-4") == []
    dataset.remove_kpi(watched[1]["id"])
    await refresh(dataset, con, "run-5", day=4)
    gone = watch(con, "run-5")
    assert (watched[1]["id"], "exists", "true", "false") in gone
    assert {change[0] for change in gone} == {watched[1]["id"]}


async def test_a_database_of_an_earlier_version_keeps_its_records_as_landed(
    tmp_path: Path,
) -> None:
    """Every run landed every record: the records get their ids, those an earlier fetch no
    longer listed a removal row, and the next unchanged fetch lands nothing."""
    dataset = small_dataset()
    kpis = dataset.kpis
    path = tmp_path / "old.duckdb"
    con = connect(path)
    con.execute(OLD_RAW_METADATA)
    url = "http://kolada.test/v3/kpi?per_page=5000"
    for run, day, listed in (("old-1", 0, kpis), ("old-2", 1, kpis[1:])):
        for index, record in enumerate(listed):
            con.execute(
                "insert into raw_metadata_record values (?, 'kpi', ?, ?, ?, ?)",
                [run, url, DAY_0 + timedelta(days=day), index, orjson.dumps(record).decode()],
            )
    con.close()

    con = connect(path)
    apply_schema(con)
    assert con.execute(
        "select run_id, record_id, record_index, is_removed, fetched_at from raw_metadata_record "
        "where is_removed"
    ).fetchall() == [("old-2", kpis[0]["id"], None, True, DAY_0 + timedelta(days=1))]
    assert current_from_raw(con, "kpi") == sorted(kpis[1:], key=lambda r: r["id"])
    assert con.execute(
        "select count(*) from duckdb_columns() where table_name = 'raw_metadata_record' "
        "and column_name in ('record_id', 'is_removed') and not is_nullable"
    ).fetchone() == (2,)
    # A migration cut short before its last step runs again whole, and adds nothing twice.
    con.execute("alter table raw_metadata_record alter column is_removed drop not null")
    rows = con.execute("select count(*) from raw_metadata_record").fetchone()
    apply_schema(con)
    assert con.execute("select count(*) from raw_metadata_record").fetchone() == rows

    dataset.kpis = kpis[1:]
    changes = await refresh(dataset, con, "new-1", day=2)
    assert changes["kpi"] == unchanged(dataset, "kpi")  # compared by text: no hash was kept
    dataset.kpis[0] = {**dataset.kpis[0], "title": "Ny titel"}
    assert (await refresh(dataset, con, "new-2", day=3))["kpi"].changed == 1
    assert (await refresh(dataset, con, "new-3", day=4))["kpi"] == unchanged(dataset, "kpi")
    assert_raw_rebuilds(con, dataset)
