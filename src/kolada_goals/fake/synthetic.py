"""SYNTHETIC Kolada data, made up by a deterministic generator: never real figures.

Values are computed on demand from stable hashes of (kpi, municipality, period), so any
slice of the full catalogue (6,099 KPIs x 312 municipalities x 30 years) costs the
same and nothing is held in memory. Without real metadata the generator also invents a
small catalogue: Riket, the 21 regions, kommuner per county, county groups and KPIs, all
titled as synthetic.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from typing import Any

import orjson
import polars as pl

from kolada_goals.fake.dataset import FakeDataset, GenderValues, Record
from kolada_goals.ids import ALL_KOMMUNER_GROUP_ID, COUNTY_CODES, RIKET_ID

SYNTHETIC_MARK = "SYNTETISK"
NULL_SHARE = 1 / 40  # this share of values is null, as real Kolada has gaps
DEFAULT_YEARS = tuple(range(1996, 2026))
KOMMUNER_PER_COUNTY = 14  # 21 x 14 = 294, close to the real 290
SPREAD_SALT = 75  # mixed into a value's hash for the spread between K and M

_MASK32 = 0xFFFFFFFF
_TWO_32 = 2**32


def _mix(a: int, b: int) -> int:
    """A 32-bit hash of two 32-bit numbers (multiply and xor-shift, after MurmurHash3's
    finaliser). _with_mix computes the same a column at a time."""
    h = (a * 0x9E3779B1 + b) & _MASK32
    h ^= h >> 15
    h = (h * 0x85EBCA6B) & _MASK32
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & _MASK32
    return h ^ (h >> 16)


def _u64(number: int) -> pl.Expr:
    return pl.lit(number, pl.UInt64)


def _with_mix(frame: pl.DataFrame, name: str, a: pl.Expr, b: pl.Expr) -> pl.DataFrame:
    """`frame` with column `name` = _mix(a, b) for UInt64 columns of 32-bit numbers. No
    product exceeds 64 bits, so nothing wraps; shifts and masks are divisions and
    remainders by powers of two. Step by step: each step reads the last one twice."""
    h = pl.col(name)
    for step in (
        (a * _u64(0x9E3779B1) + b) % _u64(_TWO_32),
        h.xor(h // _u64(2**15)),
        (h * _u64(0x85EBCA6B)) % _u64(_TWO_32),
        h.xor(h // _u64(2**13)),
        (h * _u64(0xC2B2AE35)) % _u64(_TWO_32),
        h.xor(h // _u64(2**16)),
    ):
        frame = frame.with_columns(step.alias(name))
    return frame


def _cents(amount: float) -> float:
    """Rounded to two decimals the same way _cents_column does (not Python's round)."""
    return math.floor(amount * 100 + 0.5) / 100


def _cents_text(amount: pl.Expr) -> pl.Expr:
    """_cents as decimal text ("663.68"). Not divided by 100 in polars, which multiplies
    by the reciprocal instead and can miss the nearest double by one bit; parsing the text
    gives exactly the double Python's division does."""
    cents = (amount * 100 + 0.5).floor().cast(pl.Int64)
    return pl.concat_str(
        (cents // 100).cast(pl.String), pl.lit("."), (cents % 100).cast(pl.String).str.zfill(2)
    )


def _entry_json(gender: str, value_text: pl.Expr) -> pl.Expr:
    return pl.concat_str(
        pl.lit(f'{{"gender":"{gender}","count":1,"status":"","value":'),
        value_text.fill_null("null"),
        pl.lit(',"isdeleted":false}'),
    )


class SyntheticValues:
    """Every municipality has a value (or a null) for every KPI and period.

    A value depends on hashes of its KPI, place and period only. lookup computes one value
    in Python (group means, changes); page_json computes a page of them a column at a time
    with the very same arithmetic, so a page costs a fraction of a microsecond per record."""

    def __init__(self, gendered_kpi_ids: set[str]) -> None:
        self._gendered = gendered_kpi_ids
        self._hashes: dict[str, int] = {}

    def genders(self, kpi_id: str) -> tuple[str, ...]:
        return ("T", "K", "M") if kpi_id in self._gendered else ("T",)

    def _hash(self, text: str) -> int:
        found = self._hashes.get(text)
        if found is None:
            found = self._hashes[text] = zlib.crc32(text.encode())
        return found

    def _level(self, kpi_id: str) -> float:
        return 1 + 999 * (self._hash(kpi_id) / _TWO_32)

    def _place_hashes(self, kpi_id: str, place_id: str) -> tuple[int, float]:
        """(the hash of the pair, its place effect)."""
        kpi_hash, place_hash = self._hash(kpi_id), self._hash(place_id)
        return _mix(kpi_hash, place_hash), 0.7 + 0.6 * (_mix(place_hash, kpi_hash) / _TWO_32)

    def lookup(self, kpi_id: str, place_id: str, period: int) -> GenderValues | None:
        pair_hash, place_effect = self._place_hashes(kpi_id, place_id)
        bits = _mix(pair_hash, period)
        noise = bits / _TWO_32
        if noise < NULL_SHARE:
            return dict.fromkeys(self.genders(kpi_id))
        trend = 1 + 0.01 * (period - 2010)
        total = _cents(self._level(kpi_id) * place_effect * trend * (0.95 + 0.1 * noise))
        if kpi_id not in self._gendered:
            return {"T": total}
        spread = 0.1 * (_mix(bits, SPREAD_SALT) / _TWO_32 - 0.5)
        return {"T": total, "K": _cents(total * (1 + spread)), "M": _cents(total * (1 - spread))}

    def page_json(
        self,
        kpi_ids: Sequence[str],
        place_ids: Sequence[str],
        years: Sequence[int],
        start: int,
        stop: int,
    ) -> bytes:
        """The records start..stop of the product kpi x place x year (in that order), as
        the comma-separated JSON objects of a page: exactly what lookup gives, rendered."""
        if stop <= start:
            return b""
        pairs = [(kpi, place) for kpi in kpi_ids for place in place_ids]
        pair_hashes = [self._place_hashes(kpi, place) for kpi, place in pairs]
        index = pl.int_range(start, stop, eager=True)
        pair = index // len(years)
        kpi = pair // len(place_ids)
        frame = pl.DataFrame(
            {
                "kpi_json": pl.Series([orjson.dumps(k).decode() for k in kpi_ids]).gather(kpi),
                "place_json": pl.Series(
                    [orjson.dumps(place).decode() for place in place_ids]
                ).gather(pair % len(place_ids)),
                "period": pl.Series(list(years), dtype=pl.Int64).gather(index % len(years)),
                "level": pl.Series([self._level(k) for k in kpi_ids]).gather(kpi),
                "gendered": pl.Series([k in self._gendered for k in kpi_ids]).gather(kpi),
                "pair_hash": pl.Series([h for h, _ in pair_hashes], dtype=pl.UInt64).gather(pair),
                "place_effect": pl.Series([e for _, e in pair_hashes]).gather(pair),
            }
        )
        frame = _with_mix(frame, "bits", pl.col("pair_hash"), pl.col("period").cast(pl.UInt64))
        frame = _with_mix(frame, "spread_bits", pl.col("bits"), _u64(SPREAD_SALT))
        noise = pl.col("bits") / _TWO_32
        trend = 1 + 0.01 * (pl.col("period") - 2010)
        # Null where the noise says so (Kolada has gaps); every gender is null then.
        frame = frame.with_columns(
            total=pl.when(noise >= NULL_SHARE).then(
                _cents_text(pl.col("level") * pl.col("place_effect") * trend * (0.95 + 0.1 * noise))
            ),
            spread=0.1 * (pl.col("spread_bits") / _TWO_32 - 0.5),
        )
        total = pl.col("total").cast(pl.Float64)
        entries_json = (
            pl.when(pl.col("gendered"))
            .then(
                pl.concat_str(
                    _entry_json("T", pl.col("total")),
                    _entry_json("K", _cents_text(total * (1 + pl.col("spread")))),
                    _entry_json("M", _cents_text(total * (1 - pl.col("spread")))),
                    separator=",",
                )
            )
            .otherwise(_entry_json("T", pl.col("total")))
        )
        records = frame.select(
            pl.concat_str(
                pl.lit('{"kpi":'),
                pl.col("kpi_json"),
                pl.lit(',"municipality":'),
                pl.col("place_json"),
                pl.lit(',"period":'),
                pl.col("period").cast(pl.String),
                pl.lit(',"values":['),
                entries_json,
                pl.lit("]}"),
            ).str.join(",")
        )
        return str(records.item()).encode()


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
