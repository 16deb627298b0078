"""The analysis sentence made from an indicator's facts."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from kolada_goals.outputs.analysis_text import IndicatorFacts, fact_sentence, report_facts
from kolada_goals.outputs.queries import resolve_report
from tests.helpers import require_samples
from tests.sample_warehouse import sample_warehouse

FACTS = IndicatorFacts(
    indicator_id="behorighet", period=2022,
    kpi_title="Elever i åk 9 som är behöriga till yrkesprogram, hemkommun, andel (%)",
    direction="higher", county_rank=4, county_ranked=15, riket_rank=None, riket_ranked=None,
    change_1y=1.0, change_3y=None, better_by_1y=1.0, better_by_3y=None, better_years_in_row=3,
    value_women=88.2, value_men=80.0, gender_gap=8.2, is_preliminary=False,
)  # fmt: skip


def test_the_sentence_of_the_example() -> None:
    assert fact_sentence(FACTS) == (
        "Plats 4 av 15 i länet; bättre tre år i rad; "
        "flickor 8,2 procentenheter högre än pojkar (2022)"
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"better_years_in_row": 1}, "bättre än året före"),
        ({"better_years_in_row": 0}, "oförändrat mot året före"),
        ({"better_years_in_row": -1}, "sämre än året före"),
        ({"better_years_in_row": -12}, "sämre 12 år i rad"),
        ({"riket_rank": 120, "riket_ranked": 289}, "plats 120 av 289 bland alla kommuner"),
        ({"change_3y": -2.04, "better_by_3y": -2.04}, "2,0 procentenheter sämre än för tre år"),
        ({"change_3y": 0.0, "better_by_3y": 0.0}, "samma nivå som för tre år sedan"),
        ({"gender_gap": -0.04}, "flickor och pojkar lika"),
        ({"is_preliminary": True}, "preliminärt värde"),
        ({"kpi_title": "Nettokostnad äldreomsorg, kr/inv", "gender_gap": -1234.4},
         "kvinnor 1 234 kr/inv lägre än män"),
    ],
)  # fmt: skip
def test_each_fact_in_swedish(change: dict[str, object], expected: str) -> None:
    assert expected in fact_sentence(replace(FACTS, **change))  # type: ignore[arg-type]


def test_the_national_rank_is_left_out_when_it_is_the_county_rank() -> None:
    same = replace(FACTS, riket_rank=4, riket_ranked=15)
    assert "alla kommuner" not in fact_sentence(same)


def test_nothing_to_say_is_an_empty_sentence() -> None:
    assert fact_sentence(None) == ""
    bare = replace(FACTS, county_rank=None, better_years_in_row=None, gender_gap=None)
    assert fact_sentence(bare) == ""


def test_a_report_has_the_facts_of_the_period_it_shows() -> None:
    con = sample_warehouse(require_samples())
    for mode in ("outcome", "forecast"):
        scope = resolve_report(con, "2425", mode, 2023, date(2024, 6, 1))
        facts = report_facts(con, scope)
        # a forecast for 2023 shows the facts of the latest outcome, 2022
        assert facts["behorighet-yrkesprogram"].period == 2022
        assert facts["behorighet-yrkesprogram"].county_ranked == 15
    con.close()
