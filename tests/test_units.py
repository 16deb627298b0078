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
        # The notes after a unit: the last year published, the synthetic catalogue's mark.
        ("Brukarbedömning, medelvärde (- 2024)", KpiUnit(UnitKind.AVERAGE, "medelvärde")),
        ("Kostnad förskola, kr/inskrivet barn (SYNTETISK)",
         KpiUnit(UnitKind.COST_PER_USER, "kr/inskrivet barn")),
        ("Nyckeltal N90016, tkr (SYNTETISK)", KpiUnit(UnitKind.AMOUNT, "tkr")),
        ("Sjukfrånvaro, andel (%) (-2024) (SYNTETISK)", KpiUnit(UnitKind.SHARE, "andel (%)")),
        ("Nyckeltal N90000 (SYNTETISK)", KpiUnit(UnitKind.OTHER, "")),
        # Per inhabitant is a rate, whatever is counted.
        ("Fysiska besök vid kommunala bibliotek, antal/inv", KpiUnit(UnitKind.RATE, "antal/inv")),
        ("Vårdtillfällen, antal vårdtillfällen/100 000 inv",
         KpiUnit(UnitKind.RATE, "antal vårdtillfällen/100 000 inv")),
        # A deviation in per cent is signed, as a change is.
        ("Nettokostnadsavvikelse grundskola F-9, (%)", KpiUnit(UnitKind.CHANGE, "(%)")),
        # A count per something is a ratio.
        ("Inskrivna barn per årsarbetare i förskolan, lägeskommun, antal",
         KpiUnit(UnitKind.AVERAGE, "antal")),
        ("Antal invånare per förtroendevald kommunpolitiker", KpiUnit(UnitKind.AVERAGE, "antal")),
    ],
)  # fmt: skip
def test_unit_from_title(title: str, expected: KpiUnit) -> None:
    assert kpi_unit(title) == expected
