from datetime import UTC, datetime
from typing import Any

import duckdb
import pytest

from kolada_goals.extract.planner import DataRequest
from kolada_goals.load.value_writer import Slice, SliceOutcome, SuspiciousDropError, ValueWriter
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
    writer: ValueWriter,
    request: DataRequest,
    records: list[Any],
    changes: bool = False,
    day: int = 1,
) -> SliceOutcome:
    piece = Slice.of(0, request, is_changes=changes)
    fetched = page(records, fetched_at=datetime(2026, 1, day, tzinfo=UTC))
    writer.stage(piece, fetched)
    outcome = writer.apply(piece)
    writer.flush()
    return outcome


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
    writer.stage(piece, partial)
    writer.discard(piece)
    assert writer.flush() == []  # nothing of the discarded slice waits to be applied
    assert core_rows(con) == [("N15428", "2425", 2021, "T", 1.0, 1, "")]
    assert con.execute("select count(*) from raw_kpi_value where value = 9.0").fetchone() == (0,)


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
        "select v.run_id, r.request_url, v.fetched_at is not null, v.municipality_id "
        "from raw_kpi_value v join raw_page r using (run_id, request_id, page_number)"
    ).fetchall()
    assert raw == [("run-7", "http://kolada.test/v3/data/x?page=1", True, "2425")]
    assert con.execute("select run_id, entity, page_number from raw_page").fetchall() == [
        ("run-7", "data", 1)
    ]


def as_of(con: duckdb.DuckDBPyConnection, day: int) -> list[tuple[Any, ...]]:
    return con.execute(
        "select municipality_id, period, value from kpi_value_as_of($at) order by all",
        {"at": datetime(2026, 1, day, 12, tzinfo=UTC)},
    ).fetchall()


def test_history_keeps_every_version_and_reproduces_any_day(
    con: duckdb.DuckDBPyConnection,
) -> None:
    writer = ValueWriter(con, "run")
    first = [
        record(municipality="2425", period=2021, values=[value("T", 1.0)]),
        record(municipality="2480", period=2021, values=[value("T", 2.0)]),
    ]
    assert load(writer, REQUEST, first, day=1) == SliceOutcome(2, 2, 0, 0)
    assert load(writer, REQUEST, first, day=2) == SliceOutcome(2, 0, 0, 0)  # nothing changed
    revised = [record(municipality="2425", period=2021, values=[value("T", 1.5)])]
    assert load(writer, REQUEST, revised, day=3) == SliceOutcome(1, 0, 1, 1)  # 2480 withdrawn
    back = [record(municipality="2480", period=2021, values=[value("T", 2.0)])]
    assert load(writer, REQUEST, back, day=5, changes=True) == SliceOutcome(1, 1, 0, 0)

    assert as_of(con, 2) == [("2425", 2021, 1.0), ("2480", 2021, 2.0)]
    assert as_of(con, 3) == [("2425", 2021, 1.5)]
    assert as_of(con, 5) == [("2425", 2021, 1.5), ("2480", 2021, 2.0)]
    tombstones = con.execute(
        "select municipality_id, value from hist_kpi_value where is_deleted"
    ).fetchall()
    assert tombstones == [("2480", None)]


def test_an_incremental_deletion_leaves_a_tombstone(con: duckdb.DuckDBPyConnection) -> None:
    writer = ValueWriter(con, "run")
    load(writer, REQUEST, [record(municipality="2425", period=2021, values=[value("T", 1.0)])])
    deleted = [record(municipality="2425", period=2021, values=[value("T", None, True)])]
    assert load(writer, REQUEST, deleted, changes=True, day=4) == SliceOutcome(1, 0, 0, 1)
    assert core_rows(con) == []
    assert as_of(con, 3) == [("2425", 2021, 1.0)]
    assert as_of(con, 4) == []


def test_a_sharp_drop_keeps_the_stored_values(con: duckdb.DuckDBPyConnection) -> None:
    writer = ValueWriter(con, "run")
    request = DataRequest(("N15428",), tuple(f"24{i:02d}" for i in range(30)), (2021,))
    full = [
        record(municipality=f"24{i:02d}", period=2021, values=[value("T", float(i))])
        for i in range(30)
    ]
    load(writer, request, full)
    with pytest.raises(SuspiciousDropError, match="answered 10 values where 30 are stored"):
        load(writer, request, full[:10], day=2)
    writer.discard(Slice.of(0, request, is_changes=False))
    writer.flush()
    assert len(core_rows(con)) == 30
    accepting = ValueWriter(con, "run", accept_drops=True)
    assert load(accepting, request, full[:10], day=3).withdrawn_values == 20
    assert len(core_rows(con)) == 10


def test_a_first_load_stores_what_the_comparison_with_history_would(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answer = [
        record(municipality="2425", period=2021, values=[value("T", 1.0), value("K", None)]),
        record(municipality="2480", period=2022, values=[value("T", 2.0, deleted=True)]),
        record(municipality="2480", period=2021, values=[value("M", 3.5)]),
    ]
    first_loads: list[int] = []
    apply_first_values = ValueWriter._apply_first_values

    def counted(writer: ValueWriter, ready: Any) -> Any:
        first_loads.append(len(ready))
        return apply_first_values(writer, ready)

    monkeypatch.setattr(ValueWriter, "_apply_first_values", counted)
    outcomes, tables = [], []
    for compare_anyway in (False, True):
        con = connect()
        apply_schema(con)
        writer = ValueWriter(con, "run-1")
        if compare_anyway:
            monkeypatch.setattr(writer, "_is_first_load", lambda ready: False)
        first_loads.clear()
        outcomes.append(load(writer, REQUEST, answer))
        assert first_loads == ([] if compare_anyway else [1])
        tables.append(con.execute("select * from hist_kpi_value order by all").fetchall())
        # The same answer again: stored values are compared, nothing changes.
        assert load(writer, REQUEST, answer, day=2) == SliceOutcome(values=4)
        assert first_loads == ([] if compare_anyway else [1])
    assert outcomes[0] == outcomes[1] == SliceOutcome(values=4, new_values=3)
    assert tables[0] == tables[1]
    assert len(tables[0]) == 3


def test_a_first_load_is_told_without_comparing_with_history(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A slice holds only new values when its KPIs had no history when the writer met them
    and no slice the writer applied overlaps it; any other slice is compared with history."""
    first_loaded: list[tuple[str, ...] | None] = []
    apply_first_values = ValueWriter._apply_first_values

    def counted(writer: ValueWriter, ready: Any) -> Any:
        first_loaded.extend(piece.place_ids for piece, _ in ready)
        return apply_first_values(writer, ready)

    monkeypatch.setattr(ValueWriter, "_apply_first_values", counted)
    con = connect()
    apply_schema(con)

    def answer(place: str, number: float) -> list[Any]:
        return [record(municipality=place, period=2021, values=[value("T", number)])]

    writer = ValueWriter(con, "run-1")
    south, north = (DataRequest(("N15428",), (place,), (2021, 2022)) for place in ("2425", "2480"))
    assert load(writer, south, answer("2425", 1.0)).new_values == 1
    assert load(writer, north, answer("2480", 2.0)).new_values == 1  # same KPI, other place
    assert load(writer, south, answer("2425", 1.5)).revised_values == 1  # overlaps: compared
    assert first_loaded == [("2425",), ("2480",)]

    later = ValueWriter(con, "run-2")
    elsewhere = DataRequest(("N15428",), ("2401",), (2021,))
    assert load(later, elsewhere, answer("2401", 3.0)).new_values == 1  # KPI with history
    other_kpi = DataRequest(("N15033",), ("2401",), (2021,))
    piece = Slice.of(1, other_kpi, is_changes=False)
    later.stage(piece, page([record(kpi="N15033", municipality="2401", period=2021)]))
    assert later.apply(piece).new_values == 1
    later.flush()
    assert first_loaded == [("2425",), ("2480",), ("2401",)]  # only the KPI without history
    assert len(core_rows(con)) == 4
