"""Raw landing is pruned after the retention period; the value history is not."""

from datetime import UTC, datetime, timedelta

from kolada_goals.load import raw
from kolada_goals.warehouse import apply_schema, connect


def test_raw_rows_older_than_the_retention_are_removed_and_history_stays() -> None:
    con = connect()
    apply_schema(con)
    now = datetime(2026, 11, 27, tzinfo=UTC)
    for days in (40, 36, 34, 0):
        fetched = now - timedelta(days=days)
        con.execute(
            "insert into raw_request (run_id, request_id, entity, request_url, kpi_ids, "
            "place_ids, periods, is_changes) "
            "values (?, 1, 'data', 'u', ['N1'], null, [2020], false)",
            [f"r{days}"],
        )
        con.execute(
            "insert into raw_page (run_id, entity, request_id, request_url, page_url, "
            "page_number, fetched_at, record_count) values (?, 'data', 1, 'u', ?, 1, ?, 1)",
            [f"r{days}", f"p{days}", fetched],
        )
        con.execute(
            "insert into raw_kpi_value (run_id, request_id, page_number, fetched_at, kpi_id, "
            "municipality_id, period, gender, value, count, status, is_deleted) "
            "values (?, 1, 1, ?, 'N1', '2401', 2020, 'T', 1, 1, '', false)",
            [f"r{days}", fetched],
        )
    con.execute(
        "insert into hist_kpi_value (kpi_id, municipality_id, period, gender, value, count, "
        "status, is_deleted, is_revision, valid_from, valid_to, run_id) "
        "values ('N1', '2401', 2020, 'T', 1, 1, '', false, false, ?, null, 'r')",
        [now - timedelta(days=400)],
    )
    assert raw.prune_raw(con, 0, now) == 0
    assert raw.prune_raw(con, 35, now) == 6  # two rows each of values, pages and requests
    assert con.execute("select page_url from raw_page order by 1").fetchall() == [
        ("p0",), ("p34",)
    ]  # fmt: skip
    assert con.execute("select run_id from raw_request order by 1").fetchall() == [
        ("r0",), ("r34",)
    ]  # fmt: skip
    assert con.execute("select count(*) from raw_kpi_value").fetchone() == (2,)
    assert con.execute("select count(*) from hist_kpi_value").fetchone() == (1,)
