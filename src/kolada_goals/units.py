"""The unit of a Kolada KPI, read from its title.

Kolada's metadata has no unit field: the unit is the last comma-separated part of the title
("Sjukfrånvaro bland kommunens anställda, andel (%)", "Nettokostnad förskola, kr/inv"),
sometimes with the last year it was published ("andel (%) (-2024)") or, in the fake Kolada's
synthetic catalogue, its mark ("andel (%) (SYNTETISK)"). This is the one place that reads it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class UnitKind(StrEnum):
    SHARE = "share"  # andel (%), 0-100
    CHANGE = "change"  # förändring, procent: a small signed number
    COST_PER_INHABITANT = "cost_per_inhabitant"  # kr/inv, kr/inv 65+
    COST_PER_USER = "cost_per_user"  # kr/elev, kr/inskrivet barn, kr/brukare
    AMOUNT = "amount"  # kr, tkr, mnkr: grows with the kommun
    RATE = "rate"  # antal/1000 inv, antal/100 000 inv
    COUNT = "count"  # antal: grows with the kommun
    DAYS = "days"  # antal dagar
    INDEX = "index"  # index, usually 0-100
    YES_NO = "yes_no"  # Ja=1, Nej=0
    AVERAGE = "average"  # genomsnitt, medelvärde, balanstal, meritvärde
    OTHER = "other"  # kg, MWh, ...


@dataclass(frozen=True)
class KpiUnit:
    kind: UnitKind
    # As the title writes it, without the year note: "andel (%)", "kr/inv"; the word that told
    # the kind when the last part names no unit ("index"); "" when nothing does.
    label: str


# Notes after the unit: the last year published, "(-2024)" or "(- 2024)", and the synthetic mark.
_TRAILING_NOTES = re.compile(r"(\s*\((-\s*\d{4}|SYNTETISK)\))+\s*$")
_RULES: tuple[tuple[re.Pattern[str], UnitKind], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), kind)
    for pattern, kind in (
        (r"nej\s*=\s*0", UnitKind.YES_NO),
        (r"\(%\)|procent|andel", UnitKind.SHARE),
        (r"^(kr|tkr|mnkr)/inv", UnitKind.COST_PER_INHABITANT),
        (r"^(kr|tkr)/", UnitKind.COST_PER_USER),
        (r"^(kr|tkr|mnkr|mdkr)$", UnitKind.AMOUNT),
        (r"^antal(\s+\w+)?\s*/", UnitKind.RATE),  # antal/1000 inv, antal/inv, antal besök/inv
        (r"^antal dagar|dagar$", UnitKind.DAYS),
        (r"^antal", UnitKind.COUNT),
        (r"^index", UnitKind.INDEX),
        (r"genomsnitt|medelvärde|medel|balanstal|meritvärde", UnitKind.AVERAGE),
    )
)


# When the last part names no unit, a word of the whole title may.
_TITLE_RULES: tuple[tuple[re.Pattern[str], UnitKind], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), kind)
    for pattern, kind in (
        (r"\bindex\b", UnitKind.INDEX),
        (r"\(%\)|\bandel\b", UnitKind.SHARE),
        (r"\bkr/inv\b", UnitKind.COST_PER_INHABITANT),
        (r"\bantal\b", UnitKind.COUNT),
        (r"medel|genomsnitt", UnitKind.AVERAGE),
    )
)
# A percentage that says so is signed: a change, or a deviation from an expected value.
_CHANGE = re.compile(r"förändring|avvikelse", re.IGNORECASE)
# "Inskrivna barn per årsarbetare, antal" counts nothing: it is a ratio.
_RATIO = re.compile(r"\bper\b", re.IGNORECASE)


def kpi_unit(title: str) -> KpiUnit:
    """The unit of a KPI with this title: from its last part, else from the whole title
    ("Företagsklimat Insikt - Totalt, Index, ny definition"); OTHER when none is named."""
    label = _TRAILING_NOTES.sub("", title.rsplit(",", 1)[-1]).strip() if "," in title else ""
    for text, rules in ((label, _RULES), (title, _TITLE_RULES)):
        for pattern, kind in rules:
            found = pattern.search(text) if text else None
            if found:
                if kind is UnitKind.SHARE and _CHANGE.search(title):
                    kind = UnitKind.CHANGE
                elif kind is UnitKind.COUNT and _RATIO.search(title):
                    kind = UnitKind.AVERAGE
                return KpiUnit(kind, label if text is label else found.group(0).lower())
    return KpiUnit(UnitKind.OTHER, label)
