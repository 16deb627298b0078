"""A database made by an earlier version is brought up to date by apply_schema."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from kolada_goals.extract.planner import DataRequest
from kolada_goals.load.value_writer import Slice, ValueWriter
from kolada_goals.warehouse import apply_schema, connect
from tests.helpers import page, record

FETCHED = datetime(2026, 5, 1, tzinfo=UTC)
OLD_URL = "http://kolada.test/v3/data/kpi/N15428/municipality/2425/year/2021?per_page=5000"
# raw_ tables as earlier versions made them: every value row repeated its request's URL.
OLD_RAW_TABLES = """
create table raw_request (run_id varchar not null, entity varchar not null,
    request_url varchar not null, page_url varchar not null, page_number integer not null,
    fetched_at timestamptz not null, record_count integer not null);
create table raw_kpi_value (run_id varchar not null, request_url varchar not null,
    fetched_at timestamptz not null, kpi_id varchar not null, municipality_id varchar not null,
    period integer not null, gender varchar not null, value double, count integer,
    status varchar, is_deleted boolean not null);
create table raw_ou_value (run_id varchar not null, request_url varchar not null,
    fetched_at timestamptz not null, kpi_id varchar not null, ou_id varchar not null,
    period integer not null, gender varchar not null, value double, count integer,
    status varchar, is_deleted boolean not null);
"""


def test_raw_rows_of_an_earlier_version_keep_their_request(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    con = connect(path)
    con.execute(OLD_RAW_TABLES)
    for page_number, fetched in ((1, FETCHED), (2, FETCHED + timedelta(seconds=1))):
        con.execute(
            "insert into raw_request (run_id, entity, request_url, page_url, page_number, "
            "fetched_at, record_count) values ('old', 'data', ?, ?, ?, ?, 1)",
            [OLD_URL, f"{OLD_URL}&page={page_number}", page_number, fetched],
        )
        con.execute(
            "insert into raw_kpi_value (run_id, request_url, fetched_at, kpi_id, "
            "municipality_id, period, gender, value, count, status, is_deleted) "
            "values ('old', ?, ?, 'N15428', '2425', ?, 'T', 1.5, 1, '', false)",
            [OLD_URL, fetched, 2020 + page_number],
        )
    con.close()

    con = connect(path)
    apply_schema(con)
    apply_schema(con)  # nothing left to migrate the second time
    writer = ValueWriter(con, "new")
    piece = Slice.of(0, DataRequest(("N15428",), ("2480",), (2022,)), is_changes=False)
    writer.stage(piece, page([record(municipality="2480", period=2022)]))
    writer.complete(piece)
    writer.flush()
    rows = con.execute(
        "select v.run_id, v.period, r.page_number, r.request_url from raw_kpi_value v "
        "join raw_page r using (run_id, request_id, page_number) order by all"
    ).fetchall()
    assert rows == [
        ("new", 2022, 1, "http://kolada.test/v3/data/x?page=1"),
        ("old", 2021, 1, OLD_URL),
        ("old", 2022, 2, OLD_URL),
    ]
    columns = con.execute(
        "select table_name, column_name from duckdb_columns() "
        "where column_name = 'request_url' order by all"
    ).fetchall()
    assert columns == [
        ("raw_metadata_record", "request_url"),
        ("raw_page", "request_url"),
        ("raw_request", "request_url"),
    ]
    # the pages of the earlier version became raw_page rows, accepted, without a body
    assert con.execute(
        "select run_id, count(*), count(error), count(body) from raw_page group by all order by 1"
    ).fetchall() == [("new", 1, 0, 0), ("old", 2, 0, 0)]


def test_goal_indicators_of_an_earlier_version_get_unit_and_area_columns(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    con = connect(path)
    apply_schema(con)
    con.execute("alter table goal_indicator drop column ou_id")
    con.execute("alter table goal_indicator drop column reference_area")
    con.execute(
        "insert into goal_indicator (kommun_id, indicator_id, goal_id, ordinal, gender, "
        "reference_kind, rule, is_example) values ('2425', 'i', 'g', 0, 'T', 'county', "
        "'dorotea', false)"
    )
    apply_schema(con)
    columns = {row[0] for row in con.execute("describe goal_indicator").fetchall()}
    assert {"ou_id", "reference_area"} <= columns
    assert con.execute("select count(*) from goal_indicator").fetchone() == (1,)
    con.close()
