"""Raw landing is pruned after the retention period; the value history is not."""

from datetime import UTC, datetime, timedelta

from kolada_goals.load import pipeline
from kolada_goals.warehouse import apply_schema, connect


def test_raw_rows_older_than_the_retention_are_removed_and_history_stays() -> None:
    con = connect()
    apply_schema(con)
    now = datetime(2026, 11, 27, tzinfo=UTC)
    for days in (40, 36, 34, 0):
        fetched = now - timedelta(days=days)
        con.execute(
            "insert into raw_request values ('r', 'data', 1, 'u', ?, 1, ?, 1)",
            [f"p{days}", fetched],
        )
        con.execute(
            "insert into raw_kpi_value values ('r', 1, 1, ?, 'N1', '2401', 2020, 'T', 1, 1, '', "
            "false)",
            [fetched],
        )
    con.execute(
        "insert into hist_kpi_value values ('N1', '2401', 2020, 'T', 1, 1, '', false, false, ?, "
        "null, 'r')",
        [now - timedelta(days=400)],
    )
    assert pipeline.prune_raw(con, 0, now) == 0
    assert pipeline.prune_raw(con, 35, now) == 4
    assert con.execute("select page_url from raw_request order by 1").fetchall() == [
        ("p0",), ("p34",)
    ]  # fmt: skip
    assert con.execute("select count(*) from raw_kpi_value").fetchone() == (2,)
    assert con.execute("select count(*) from hist_kpi_value").fetchone() == (1,)
