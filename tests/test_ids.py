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


def test_the_goal_format_and_the_catalogue_checks_use_the_same_forms() -> None:
    """Goal files (pydantic) and metadata (pandera, Rust regex: \\d is Unicode there too)
    refuse what the id forms refuse."""
    import polars as pl
    from pydantic import TypeAdapter, ValidationError

    from kolada_goals.goals.model import KommunId, KpiId
    from kolada_goals.load.schemas import KPI_ID_PATTERN, MUNICIPALITY_ID_PATTERN

    TypeAdapter(KommunId).validate_python("2425")
    for adapter, value in ((TypeAdapter(KommunId), "２４２５"), (TypeAdapter(KpiId), "N٠٠٩٤٥")):
        with pytest.raises(ValidationError):
            adapter.validate_python(value)
    frame = pl.DataFrame({"id": ["2425", "２４２５", "N00945", "N٠٠٩٤٥"]})
    matches = frame.select(
        pl.col("id").str.contains(MUNICIPALITY_ID_PATTERN).alias("municipality"),
        pl.col("id").str.contains(KPI_ID_PATTERN).alias("kpi"),
    )
    assert matches["municipality"].to_list() == [True, False, False, False]
    assert matches["kpi"].to_list() == [False, False, True, False]
