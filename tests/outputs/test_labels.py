"""How values are shown: kronor and counts whole, the rest with one decimal."""

from __future__ import annotations

import pytest

from kolada_goals.outputs.labels import format_number, value_decimals


@pytest.mark.parametrize(
    ("title", "decimals"),
    [
        ("Kostnad förskola, kr/inskrivet barn", 0),
        ("Nettokostnad äldreomsorg, kr/inv", 0),
        ("Invånare totalt, antal", 0),
        ("Elever i åk 9 som är behöriga till yrkesprogram, andel (%)", 1),
        ("Anmälda våldsbrott, antal/100 000 inv", 1),
        ("Medellivslängd män, år", 1),
        (None, 1),  # a local measure
    ],
)
def test_decimals_follow_the_kpis_unit(title: str | None, decimals: int) -> None:
    assert value_decimals(title) == decimals


def test_whole_kronor_read_as_kolada_shows_them() -> None:
    assert format_number(174618.421053, value_decimals("Kostnad, kr/inskrivet barn")) == "174 618"
