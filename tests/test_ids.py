"""Kolada's id forms accept ASCII digits only."""

import pytest

from kolada_goals.ids import is_kpi_id, is_municipality_group_id, is_municipality_id


@pytest.mark.parametrize("value", ["٢٤٢٥", "２４２５", "24２5"])
def test_digits_of_other_scripts_are_no_municipality_id(value: str) -> None:
    assert value[0].isdigit() or value[2].isdigit()  # Python's \d would take them
    assert not is_municipality_id(value)


def test_the_forms_themselves() -> None:
    assert is_municipality_id("2425") and is_kpi_id("N00945") and is_municipality_group_id("G2328")
    assert not is_kpi_id("N٠٠٩٤٥") and not is_municipality_group_id("G٢٣")
