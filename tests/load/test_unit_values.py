"""Values of the organisational units goal definitions follow, fetched through oudata from the
fake Kolada with the real client, and judged against the kommun and the kommun's units."""

from __future__ import annotations

from pathlib import Path

import pytest

from kolada_goals.fake import create_app
from kolada_goals.fake.offline import offline_dataset
from kolada_goals.goals.store import load_goal_definitions
from kolada_goals.load import pipeline
from kolada_goals.status.marts import build_marts
from kolada_goals.warehouse import apply_schema, connect
from tests.helpers import fake_kolada_client

pytestmark = pytest.mark.anyio
SCHOOL = "V15E17181067"
GOALS = f"""format: 1
kommun: "2425"
name: Dorotea
vision: "V"
mandate: {{first_year: 2023, last_year: 2025}}
goals:
  - id: G1
    title: "Skolan"
    indicators:
      - id: skolan
        kpi: N15419
        ou: {SCHOOL}
        direction: higher
      - id: skolan-mot-enheterna
        kpi: N15419
        ou: {SCHOOL}
        direction: higher
        reference: {{kind: own_units}}
"""


async def test_unit_values_arrive_and_are_judged(tmp_path: Path) -> None:
    (tmp_path / "2425-dorotea.yaml").write_text(GOALS, encoding="utf-8")
    dataset = offline_dataset(tmp_path)
    con = connect()
    apply_schema(con)
    async with fake_kolada_client(create_app(dataset)) as client:
        await pipeline.refresh_metadata(client, con, "run-1")
        summary = load_goal_definitions(con, tmp_path, run_id="run-1")
        assert summary.loaded == ["2425"], summary.problems
        years = range(2020, 2026)
        await pipeline.load_values(
            client, con, "run-1", ["N15419"], years, pipeline.value_places(con)
        )
        result = await pipeline.load_unit_values(client, con, "run-1", years)
    units = {row[0] for row in con.execute("select distinct ou_id from core_ou_value").fetchall()}
    # the named unit and, for own_units, the kommun's other units
    assert SCHOOL in units and len(units) == 3
    assert result.values == con.execute("select count(*) from core_ou_value").fetchone()[0]
    build_marts(con)
    rows = con.execute(
        "select indicator_id, value, reference_value, reference_count, reference_expected "
        "from mart_indicator_status where mode = 'outcome' and period = 2024 "
        "order by indicator_id"
    ).fetchall()
    unit_value = con.execute(
        "select value from core_ou_value where ou_id = ? and period = 2024 and gender = 'T'",
        [SCHOOL],
    ).fetchone()
    kommun_value = con.execute(
        "select value from core_kpi_value where kpi_id = 'N15419' and municipality_id = '2425' "
        "and period = 2024 and gender = 'T'"
    ).fetchone()
    units_mean = con.execute(
        "select avg(v.value) from core_ou_value v join core_ou u using (ou_id) "
        "where u.municipality_id = '2425' and v.period = 2024 and v.gender = 'T'"
    ).fetchone()
    assert rows[0][0] == "skolan" and rows[0][1] == unit_value[0]
    assert rows[0][2] == kommun_value[0]
    assert rows[1][2] == pytest.approx(units_mean[0]) and rows[1][4] == 3
    # a run with no unit named asks nothing
    con.execute("update goal_indicator set ou_id = null")
    async with fake_kolada_client(create_app(dataset)) as client:
        assert (await pipeline.load_unit_values(client, con, "run-2", years)).values == 0
