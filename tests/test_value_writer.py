from typing import Any

import duckdb
import pytest

from kolada_goals.planner import DataRequest
from kolada_goals.records import flatten_page
from kolada_goals.values import Slice, ValueWriter
from kolada_goals.warehouse import apply_schema, connect
from tests.helpers import page, record


def value(gender: str, number: float | None, deleted: bool = False) -> dict[str, Any]:
    return {"gender": gender, "count": 1, "status": "", "value": number, "isdeleted": deleted}


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    connection = connect()
    apply_schema(connection)
    return connection


def load(
    writer: ValueWriter, request: DataRequest, records: list[Any], changes: bool = False
) -> int:
    piece = Slice.of(0, request, is_changes=changes)
    fetched = page(records)
    writer.stage(piece, fetched, flatten_page(fetched).to_arrow())
    return writer.commit(piece)


def core_rows(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    return con.execute("select * from core_kpi_value order by all").fetchall()


REQUEST = DataRequest(("N15428",), ("2425", "2480"), (2021, 2022))


def test_a_slice_replaces_exactly_what_it_covers(con: duckdb.DuckDBPyConnection) -> None:
    writer = ValueWriter(con, "run-1")
    load(writer, REQUEST, [record(municipality="2425", period=2021, values=[value("T", 1.0)])])
    outside = DataRequest(("N15428",), ("2401",), (2021,))
    load(writer, outside, [record(municipality="2401", period=2021, values=[value("T", 7.0)])])
    # Second answer for REQUEST: 2425/2021 is gone, 2480/2022 is new; 2401 is untouched.
    load(writer, REQUEST, [record(municipality="2480", period=2022, values=[value("T", 2.0)])])
    assert core_rows(con) == [
        ("N15428", "2401", 2021, "T", 7.0, 1, ""),
        ("N15428", "2480", 2022, "T", 2.0, 1, ""),
    ]


def test_reloading_the_same_answer_leaves_identical_tables(
    con: duckdb.DuckDBPyConnection,
) -> None:
    writer = ValueWriter(con, "run-1")
    records = [
        record(municipality="2425", period=2021, values=[value("T", 1.5), value("K", None)]),
        record(municipality="G33631", period=2021, values=[value("T", 3.0)]),
    ]
    request = DataRequest(("N15428",), ("2425", "G33631"), (2021,))
    load(writer, request, records)
    first = core_rows(con), con.execute("select * from core_municipality_group_value").fetchall()
    load(writer, request, records)
    second = core_rows(con), con.execute("select * from core_municipality_group_value").fetchall()
    assert first == second
    assert first[0] == [
        ("N15428", "2425", 2021, "K", None, 1, ""),
        ("N15428", "2425", 2021, "T", 1.5, 1, ""),
    ]
    assert first[1] == [("N15428", "G33631", 2021, "T", 3.0, 1, "")]


def test_a_discarded_slice_keeps_the_stored_values(con: duckdb.DuckDBPyConnection) -> None:
    writer = ValueWriter(con, "run-1")
    load(writer, REQUEST, [record(municipality="2425", period=2021, values=[value("T", 1.0)])])
    piece = Slice.of(1, REQUEST, is_changes=False)
    partial = page([record(municipality="2480", period=2022, values=[value("T", 9.0)])])
    writer.stage(piece, partial, flatten_page(partial).to_arrow())
    writer.discard(piece)
    assert core_rows(con) == [("N15428", "2425", 2021, "T", 1.0, 1, "")]
    assert con.execute("select count(*) from stage_value").fetchone() == (0,)


def test_changes_update_and_delete_only_the_keys_they_name(
    con: duckdb.DuckDBPyConnection,
) -> None:
    writer = ValueWriter(con, "run-1")
    load(
        writer,
        REQUEST,
        [
            record(municipality="2425", period=2021, values=[value("T", 1.0)]),
            record(municipality="2480", period=2021, values=[value("T", 2.0)]),
            record(municipality="2480", period=2022, values=[value("T", 3.0)]),
        ],
    )
    load(
        writer,
        REQUEST,
        [
            record(municipality="2425", period=2021, values=[value("T", 1.1)]),
            record(municipality="2480", period=2021, values=[value("T", None, deleted=True)]),
        ],
        changes=True,
    )
    assert core_rows(con) == [
        ("N15428", "2425", 2021, "T", 1.1, 1, ""),
        ("N15428", "2480", 2022, "T", 3.0, 1, ""),
    ]


def test_raw_landing_keeps_run_url_and_fetch_time(con: duckdb.DuckDBPyConnection) -> None:
    writer = ValueWriter(con, "run-7")
    load(writer, REQUEST, [record(municipality="2425", period=2021, values=[value("T", 1.0)])])
    raw = con.execute(
        "select run_id, request_url, fetched_at is not null, municipality_id from raw_kpi_value"
    ).fetchall()
    assert raw == [("run-7", "http://kolada.test/v3/data/x?page=1", True, "2425")]
    assert con.execute("select run_id, entity, page_number from raw_request").fetchall() == [
        ("run-7", "data", 1)
    ]
