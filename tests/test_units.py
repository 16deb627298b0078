"""A KPI's unit as its title names it."""

from __future__ import annotations

import pytest

from kolada_goals.units import KpiUnit, UnitKind, kpi_unit


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Elever i åk 9 som är behöriga till yrkesprogram, hemkommun, andel (%)",
         KpiUnit(UnitKind.SHARE, "andel (%)")),
        ("Sjukfrånvaro, andel (%) (-2024)", KpiUnit(UnitKind.SHARE, "andel (%)")),
        ("Befolkningsförändring i antal invånare sedan föregående år, procent",
         KpiUnit(UnitKind.CHANGE, "procent")),
        ("Nettokostnad förskola, kr/inv", KpiUnit(UnitKind.COST_PER_INHABITANT, "kr/inv")),
        ("Kostnad förskola, kr/inskrivet barn",
         KpiUnit(UnitKind.COST_PER_USER, "kr/inskrivet barn")),
        ("Invånare totalt, antal", KpiUnit(UnitKind.COUNT, "antal")),
        ("Anmälda våldsbrott, antal/100 000 inv", KpiUnit(UnitKind.RATE, "antal/100 000 inv")),
        ("Väntetid, antal dagar", KpiUnit(UnitKind.DAYS, "antal dagar")),
        ("Företagsklimat Insikt - Totalt, Index, ny definition", KpiUnit(UnitKind.INDEX, "index")),
        ("Policy finns (Ja=1, Nej=0)", KpiUnit(UnitKind.YES_NO, "Nej=0)")),
        ("Medellivslängd män, år", KpiUnit(UnitKind.AVERAGE, "medel")),
        ("Avfall, kg/inv", KpiUnit(UnitKind.OTHER, "kg/inv")),
        ("Utan enhet", KpiUnit(UnitKind.OTHER, "")),
    ],
)  # fmt: skip
def test_unit_from_title(title: str, expected: KpiUnit) -> None:
    assert kpi_unit(title) == expected
