"""SYNTHETIC Kolada data, made up by a deterministic generator: never real figures.

Values are computed on demand from a stable hash of (kpi, municipality, period, gender),
so any slice of the full catalogue (6,099 KPIs x 312 municipalities x 30 years) costs the
same and nothing is held in memory. Without real metadata the generator also invents a
small catalogue: Riket, the 21 regions, kommuner per county, county groups and KPIs, all
titled as synthetic.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import Any

from kolada_goals.fake.dataset import FakeDataset, GenderValues, Record
from kolada_goals.ids import ALL_KOMMUNER_GROUP_ID, COUNTY_CODES, RIKET_ID

SYNTHETIC_MARK = "SYNTETISK"
NULL_SHARE = 1 / 40  # this share of values is null, as real Kolada has gaps
DEFAULT_YEARS = tuple(range(1996, 2026))
KOMMUNER_PER_COUNTY = 14  # 21 x 14 = 294, close to the real 290


def _unit(text: str) -> float:
    """A stable number in [0, 1) for a text."""
    return zlib.crc32(text.encode()) / 2**32


class SyntheticValues:
    """Every municipality has a value (or a null) for every KPI and period."""

    def __init__(self, gendered_kpi_ids: set[str]) -> None:
        self._gendered = gendered_kpi_ids
        self._levels: dict[str, float] = {}
        # Pages run through the years of one (place, KPI) in a row: keep its effect.
        self._last_place_kpi = ("", "")
        self._last_place_effect = 0.0

    def genders(self, kpi_id: str) -> tuple[str, ...]:
        return ("T", "K", "M") if kpi_id in self._gendered else ("T",)

    def is_dense(self) -> bool:
        return True

    def _level(self, kpi_id: str) -> float:
        level = self._levels.get(kpi_id)
        if level is None:
            level = self._levels[kpi_id] = 1 + 999 * _unit(kpi_id)
        return level

    def lookup(self, kpi_id: str, place_id: str, period: int) -> GenderValues | None:
        key = f"{kpi_id}|{place_id}|{period}"
        noise = _unit(key)
        if noise < NULL_SHARE:
            return dict.fromkeys(self.genders(kpi_id))
        if self._last_place_kpi != (place_id, kpi_id):
            self._last_place_kpi = (place_id, kpi_id)
            self._last_place_effect = 0.7 + 0.6 * _unit(place_id + kpi_id)
        place_effect = self._last_place_effect
        trend = 1 + 0.01 * (period - 2010)
        total = round(self._level(kpi_id) * place_effect * trend * (0.95 + 0.1 * noise), 2)
        if kpi_id not in self._gendered:
            return {"T": total}
        spread = 0.1 * (_unit(key + "K") - 0.5)
        return {
            "T": total,
            "K": round(total * (1 + spread), 2),
            "M": round(total * (1 - spread), 2),
        }


def synthetic_metadata(
    kpi_count: int = 40,
    extra_kpi_ids: Sequence[str] = (),
    extra_kommun_ids: Sequence[str] = (),
    extra_group_ids: Sequence[str] = (),
) -> tuple[list[Record], list[Record], list[Record]]:
    """(kpis, municipalities, groups): an invented catalogue, marked synthetic. Extra ids
    (e.g. those named by goal definitions) are added with synthetic titles."""
    municipalities: list[Record] = [{"id": RIKET_ID, "title": "Riket", "type": "L"}]
    groups: list[Record] = []
    all_kommuner: list[dict[str, str]] = []
    for county_number, county in enumerate(COUNTY_CODES):
        municipalities.append(
            {"id": "00" + county, "title": f"Region {county} ({SYNTHETIC_MARK})", "type": "L"}
        )
        members = []
        kommun_ids = {f"{county}{index * 7 + 1:02d}" for index in range(KOMMUNER_PER_COUNTY)}
        kommun_ids.update(k for k in extra_kommun_ids if k[:2] == county)
        for kommun_id in sorted(kommun_ids):
            title = f"Kommun {kommun_id} ({SYNTHETIC_MARK})"
            municipalities.append({"id": kommun_id, "title": title, "type": "K"})
            members.append({"member_id": kommun_id, "member_title": title})
        all_kommuner.extend(members)
        groups.append(
            {
                "id": f"G{33612 + county_number}",
                "title": f"Län {county}: läns kommuner (ovägt medel) ({SYNTHETIC_MARK})",
                "members": members,
            }
        )
    groups.append(
        {
            "id": ALL_KOMMUNER_GROUP_ID,
            "title": f"Alla kommuner (ovägt medel) ({SYNTHETIC_MARK})",
            "members": all_kommuner,
        }
    )
    known_groups = {group["id"] for group in groups}
    for number, group_id in enumerate(sorted(set(extra_group_ids) - known_groups)):
        groups.append(
            {
                "id": group_id,
                "title": f"Jämförelsegrupp {group_id} ({SYNTHETIC_MARK})",
                "members": all_kommuner[number % 7 :: 29],
            }
        )
    kpi_ids = [f"N{90000 + i:05d}" for i in range(kpi_count)]
    kpis = [synthetic_kpi(kpi_id, gendered=i % 3 == 0) for i, kpi_id in enumerate(kpi_ids)]
    # KPIs named elsewhere (goal definitions) are divided by gender, so that any gender works.
    kpis += [synthetic_kpi(k, gendered=True) for k in sorted(set(extra_kpi_ids) - set(kpi_ids))]
    return kpis, municipalities, groups


def synthetic_kpi(kpi_id: str, gendered: bool) -> Record:
    return {
        "id": kpi_id,
        "title": f"Nyckeltal {kpi_id} ({SYNTHETIC_MARK})",
        "description": "Synthetic KPI made up by the fake Kolada; not a real measure.",
        "is_divided_by_gender": gendered,
        "municipality_type": "A",
        "auspice": None,
        "operating_area": "Syntetiskt, övergripande",
        "perspective": "Resultat",
        "prel_publication_date": None,
        "publication_date": "2026-04-01",
        "publ_period": "2025",
        "has_ou_data": False,
    }


def synthetic_dataset(
    kpis: Sequence[Record] | None = None,
    municipalities: Sequence[Record] | None = None,
    municipality_groups: Sequence[Record] | None = None,
    kpi_groups: Sequence[Record] | None = None,
    years: Sequence[int] = DEFAULT_YEARS,
    extra_kpi_ids: Sequence[str] = (),
    extra_kommun_ids: Sequence[str] = (),
    extra_group_ids: Sequence[str] = (),
) -> FakeDataset:
    """Synthetic values for the given metadata (e.g. the real catalogue), or for an
    invented catalogue when none is given."""
    invented_kpis, invented_places, invented_groups = synthetic_metadata(
        extra_kpi_ids=extra_kpi_ids,
        extra_kommun_ids=extra_kommun_ids,
        extra_group_ids=extra_group_ids,
    )
    kpi_list: list[Any] = list(kpis) if kpis is not None else invented_kpis
    return FakeDataset(
        kpis=kpi_list,
        municipalities=list(municipalities) if municipalities is not None else invented_places,
        municipality_groups=(
            list(municipality_groups) if municipality_groups is not None else invented_groups
        ),
        values=SyntheticValues({k["id"] for k in kpi_list if k.get("is_divided_by_gender")}),
        kpi_groups=list(kpi_groups or []),
        years=tuple(years),
        synthetic=True,
    )
