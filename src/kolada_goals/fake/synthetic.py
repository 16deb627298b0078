"""SYNTHETIC Kolada data, made up by a deterministic generator: never real figures.

Values are computed on demand from stable hashes of (kpi, municipality, period), so any
slice of the full catalogue (6,099 KPIs x 312 municipalities x 30 years) costs the
same and nothing is held in memory. A KPI's values lie where values of its unit do (the
unit is read from its title by kolada_goals.units): shares between 0 and 100, small signed
changes, kr per inhabitant in the thousands, counts that grow with the kommun and so on,
rounded as Kolada publishes them. Every kommun has a size, its inhabitants, which its
counts and amounts follow; a region's and Riket's are the sums of their kommuner's, and
their other values are their own, near the middle (in Kolada neither is a mean of
kommuner). Without real metadata the generator also invents a small catalogue: Riket, the
21 regions, kommuner per county, county groups and KPIs, all titled as synthetic.
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import IntEnum
from typing import Any, TypeVar

import orjson
import polars as pl

from kolada_goals.fake.dataset import FakeDataset, GenderValues, Record
from kolada_goals.ids import (
    ALL_KOMMUNER_GROUP_ID,
    COUNTY_CODES,
    RIKET_ID,
    is_kommun_id,
    is_region_id,
)
from kolada_goals.units import UnitKind, kpi_unit

SYNTHETIC_MARK = "SYNTETISK"
NULL_SHARE = 1 / 40  # this share of values is null, as real Kolada has gaps
DEFAULT_YEARS = tuple(range(1996, 2026))
KOMMUNER_PER_COUNTY = 14  # 21 x 14 = 294, close to the real 290
BASE_YEAR = 2010  # a place's values lie along a line through its level in this year
SPREAD_SALT = 75  # mixed into a value's hash for the spread between K and M
TREND_SALT = 76  # mixed into a (KPI, place) hash for the place's own yearly change
KPI_TREND_SALT = 77  # mixed into a KPI's hash for the way it goes over the years
SIZE_SALT = 78  # mixed into a kommun's hash for its size
AGGREGATE_SPREAD = 0.25  # a region or Riket lies this much nearer the middle than a kommun
POPULATION_KPI_ID = "N01951"  # Invånare totalt, antal: a kommun's size itself

_MASK32 = 0xFFFFFFFF
_TWO_32 = 2**32
_SCALES = (1.0, 10.0)  # 10 ** decimals: values have 0 or 1 decimal


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


_MIX_CONSTANTS = tuple(_u64(n) for n in (0x9E3779B1, _TWO_32, 2**15, 0x85EBCA6B, 2**13))
_MIX_CONSTANTS += (_u64(0xC2B2AE35), _u64(2**16))


def _with_mix(frame: pl.LazyFrame, name: str, a: pl.Expr, b: pl.Expr) -> pl.LazyFrame:
    """`frame` with column `name` = _mix(a, b) for UInt64 columns of 32-bit numbers. No
    product exceeds 64 bits, so nothing wraps; shifts and masks are divisions and
    remainders by powers of two. Step by step: each step reads the last one twice."""
    h = pl.col(name)
    golden, two_32, shift_15, murmur_1, shift_13, murmur_2, shift_16 = _MIX_CONSTANTS
    for step in (
        (a * golden + b) % two_32,
        h.xor(h // shift_15),
        (h * murmur_1) % two_32,
        h.xor(h // shift_13),
        (h * murmur_2) % two_32,
        h.xor(h // shift_16),
    ):
        frame = frame.with_columns(step.alias(name))
    return frame


def _fraction(bits: int) -> float:
    """A 32-bit hash as a number in [0, 1): a draw."""
    return bits / _TWO_32


# --- how a KPI's values are made ----------------------------------------------------------


class GenderSplit(IntEnum):
    AROUND = 0  # K and M a little above and below T: shares, costs, rates
    HALVES = 1  # K + M = T: counts and amounts
    SAME = 2  # K = M = T: yes or no


@dataclass(frozen=True)
class KpiShape:
    """How a KPI's values are made. A place's value in a year, before rounding, is

        (centre + slope*t + spread_factor*(spread*p + slope_spread*q*t + noise*n)) * size

    with t the years since BASE_YEAR; p, q and n draws between -1 and 1 (p and q the
    place's, n the year's); spread_factor 1 for a kommun and AGGREGATE_SPREAD for a region
    or Riket; size the kommun's inhabitants if per_inhabitant, else 1. It is clipped to
    [low, high] and rounded to `decimals` (0 or 1)."""

    kind: UnitKind
    centre: float
    slope: float
    spread: float
    slope_spread: float
    noise: float
    low: float = 0.0
    high: float = math.inf
    decimals: int = 0
    per_inhabitant: bool = False  # counts and amounts: a region's is its kommuner's sum
    split: GenderSplit = GenderSplit.AROUND

    @property
    def scale(self) -> float:
        return _SCALES[self.decimals]


def _relative(
    kind: UnitKind,
    centre: float,
    way: float,
    spread: float,
    noise: float,
    decimals: int,
    drift: float = 0.01,
) -> KpiShape:
    """A shape whose spread, noise and yearly change are shares of its centre; `way`
    (-1..1) says which way and how fast an average place moves, by `drift` at most, and a
    place's own yearly change differs from that by half as much."""
    return KpiShape(
        kind,
        centre,
        slope=centre * drift * way,
        spread=centre * spread,
        slope_spread=centre * drift * 0.5,
        noise=centre * noise,
        decimals=decimals,
    )


def _cost(kind: UnitKind, centre: float, way: float, spread: float) -> KpiShape:
    # Costs rise by 0.5-2.5 % a year, as prices do.
    return KpiShape(
        kind,
        centre,
        slope=centre * (0.015 + 0.01 * way),
        spread=centre * spread,
        slope_spread=centre * 0.005,
        noise=centre * 0.04,
    )


def _per_inhabitant(centre: float, way: float, decimals: int) -> KpiShape:
    return KpiShape(
        UnitKind.COUNT,
        centre,
        slope=centre * 0.01 * way,
        spread=centre * 0.3,
        slope_spread=centre * 0.005,
        noise=centre * 0.06,
        decimals=decimals,
        per_inhabitant=True,
        split=GenderSplit.HALVES,
    )


_AMOUNT_DIVISORS = {"tkr": 1e3, "mnkr": 1e6, "mdkr": 1e9}
_RATE_DENOMINATOR = re.compile(r"/\s*(\d[\d\s]*)")


def _rate_denominator(label: str) -> float:
    """Inhabitants a rate is per: 1000 in "antal/1000 inv", 1 in "antal/inv"."""
    found = _RATE_DENOMINATOR.search(label)
    return float(found.group(1).replace(" ", "")) if found else 1.0


def kpi_shape(kpi_id: str, title: str) -> KpiShape:
    """How the values of this KPI are made: from its unit, with its level drawn from its
    id's hash (or its typical level, for the KPIs of KNOWN_KPIS)."""
    unit = kpi_unit(title)
    kpi_hash = zlib.crc32(kpi_id.encode())
    draw = _fraction(kpi_hash)
    way = _fraction(_mix(kpi_hash, KPI_TREND_SALT)) * 2 - 1
    typical = KNOWN_KPIS[kpi_id][1] if kpi_id in KNOWN_KPIS else None

    def level(drawn: float) -> float:
        return drawn if typical is None else typical

    if kpi_id == POPULATION_KPI_ID:
        # The size itself, growing or shrinking by up to 0.8 % a year.
        return KpiShape(
            UnitKind.COUNT,
            1.0,
            slope=0.0,
            spread=0.0,
            slope_spread=0.008,
            noise=0.0005,
            per_inhabitant=True,
            split=GenderSplit.HALVES,
        )
    match unit.kind:
        case UnitKind.SHARE:
            # Most shares lie between 40 and 95; the room to the nearer bound sets how much
            # places and years differ, so that 7 % stays near 7 and 95 % near 95.
            centre = level(10 + 82 * (1 - (1 - draw) * (1 - draw)))
            room = min(centre, 100 - centre)
            return KpiShape(
                UnitKind.SHARE,
                centre,
                slope=0.01 * room * way,
                spread=0.3 * room + 1,
                slope_spread=0.01 * room,
                noise=0.05 * room + 0.5,
                high=100.0,
                decimals=1,
            )
        case UnitKind.CHANGE:
            return KpiShape(
                UnitKind.CHANGE,
                level(draw * 2 - 1),
                slope=0.0,
                spread=1.0,
                slope_spread=0.05,
                noise=0.6,
                low=-3.0,
                high=3.0,
                decimals=1,
            )
        case UnitKind.COST_PER_INHABITANT:
            return _cost(unit.kind, level(1000 + 29000 * draw * draw), way, spread=0.25)
        case UnitKind.COST_PER_USER:
            return _cost(unit.kind, level(20000 + 480000 * draw * draw), way, spread=0.15)
        case UnitKind.AMOUNT:
            # kr per inhabitant, in the title's unit; mnkr and mdkr keep a decimal.
            divisor = _AMOUNT_DIVISORS.get(unit.label.lower(), 1.0)
            centre = level((100 + 29900 * draw * draw) / divisor)
            shape = _per_inhabitant(centre, way, decimals=1 if divisor >= 1e6 else 0)
            return replace(shape, kind=UnitKind.AMOUNT)
        case UnitKind.COUNT:
            return _per_inhabitant(level(0.0002 + 0.05 * draw * draw), way, decimals=0)
        case UnitKind.RATE:
            # 1-150 per 1000 inhabitants, or 0.2-10 per inhabitant (visits, nights).
            per = _rate_denominator(unit.label)
            drawn = (
                (1 + 149 * draw * draw) * per / 1000 if per >= 1000 else (0.2 + 9.8 * draw) * per
            )
            centre = level(drawn)
            return _relative(unit.kind, centre, way, spread=0.3, noise=0.08, decimals=1)
        case UnitKind.DAYS:
            return _relative(unit.kind, level(10 + 290 * draw * draw), way, 0.3, 0.1, 0)
        case UnitKind.INDEX:
            return KpiShape(
                UnitKind.INDEX,
                level(50 + 35 * draw),
                slope=0.3 * way,
                spread=8.0,
                slope_spread=0.2,
                noise=3.0,
                high=100.0,
            )
        case UnitKind.YES_NO:
            # The centre is the share of places with a yes, which grows over the years.
            return KpiShape(
                UnitKind.YES_NO,
                level(0.3 + 0.6 * draw),
                slope=0.01 + 0.01 * way,
                spread=0.5,
                slope_spread=0.01,
                noise=0.1,
                high=1.0,
                split=GenderSplit.SAME,
            )
        case UnitKind.AVERAGE:
            centre = level(2 + 98 * draw * draw)
            return _relative(unit.kind, centre, way, 0.05, 0.015, decimals=1, drift=0.003)
        case _:
            return _relative(unit.kind, level(1 + 999 * draw * draw), way, 0.2, 0.05, 1)


def kommun_size(kommun_id: str) -> float:
    """A kommun's inhabitants in BASE_YEAR: from 2,400 to 342,400, half of them under
    12,400, 36,000 on average (Sweden's 290 kommuner: 2,400 to 990,000, median 16,000).
    Powers by multiplication only, so that every platform draws the same sizes."""
    u = _fraction(_mix(zlib.crc32(kommun_id.encode()), SIZE_SALT))
    u2 = u * u
    u4 = u2 * u2
    u14 = u4 * u4 * u4 * u2
    return float(math.floor(2400 + 40000 * u2 + 300000 * u14 + 0.5))


@dataclass(frozen=True)
class _Place:
    hash: int
    size: float  # inhabitants; an aggregate's per-inhabitant values sum its members' instead
    spread_factor: float
    members: tuple[int, ...]  # indexes (in SyntheticValues._places) of a region's kommuner


N = TypeVar("N", float, pl.Expr)


def _raw_value(
    shape: tuple[N, N, N, N, N],
    spread_factor: N,
    size: N,
    place_draw: N,
    trend_draw: N,
    noise_draw: N,
    years: N,
) -> N:
    """KpiShape's formula before clipping and rounding, for one value (floats) or a column
    of them (polars expressions): written once, so that both do the very same arithmetic."""
    centre, slope, spread, slope_spread, noise = shape
    deviation = (
        spread * (place_draw * 2.0 - 1.0)
        + slope_spread * (trend_draw * 2.0 - 1.0) * years
        + noise * (noise_draw * 2.0 - 1.0)
    )
    return (centre + slope * years + spread_factor * deviation) * size


def _units(value: float, shape: KpiShape) -> int:
    """A value clipped to the shape's bounds, in units of its last decimal (as
    _units_column computes)."""
    return math.floor(min(max(value, shape.low), shape.high) * shape.scale + 0.5)


def _units_column(value: pl.Expr) -> pl.Expr:
    clipped = value.clip(pl.col("low"), pl.col("high"))
    return (clipped * pl.col("scale") + 0.5).floor().cast(pl.Int64)


def _units_text(units: pl.Expr) -> pl.Expr:
    """Units of the last decimal as decimal text ("-0.2", "663.7", "2413.0"): the double
    that parsing it gives is exactly Python's units / scale, which a division in polars
    (by a reciprocal, maybe) need not be."""
    magnitude = units.abs()
    scale = pl.col("scale_int")
    return pl.concat_str(
        pl.when(units < 0).then(pl.lit("-")).otherwise(pl.lit("")),
        (magnitude // scale).cast(pl.String),
        pl.lit("."),
        pl.when(scale == 1).then(pl.lit("0")).otherwise((magnitude % scale).cast(pl.String)),
    )


def _gender_spread(draw: N) -> N:
    """How far K lies above T and M below it (or the reverse): at most 5 %."""
    return (draw - 0.5) * 0.1


def _entry_json(gender: str, value_text: pl.Expr) -> pl.Expr:
    return pl.concat_str(
        pl.lit(f'{{"gender":"{gender}","count":1,"status":"","value":'),
        value_text.fill_null("null"),
        pl.lit(',"isdeleted":false}'),
    )


_SHAPE_COLUMNS = ("centre", "slope", "spread", "slope_spread", "noise")


def _with_draws(frame: pl.LazyFrame) -> pl.LazyFrame:
    """`frame` (kpi_hash, place_hash) with the draws of the pair: pair_hash, place_draw and
    trend_draw, as _Place draws them in SyntheticValues._own_units."""
    frame = _with_mix(frame, "pair_hash", pl.col("kpi_hash"), pl.col("place_hash"))
    frame = _with_mix(frame, "place_bits", pl.col("place_hash"), pl.col("kpi_hash"))
    frame = _with_mix(frame, "trend_bits", pl.col("pair_hash"), _u64(TREND_SALT))
    return frame.with_columns(
        place_draw=pl.col("place_bits") / _TWO_32, trend_draw=pl.col("trend_bits") / _TWO_32
    )


def _with_units(frame: pl.LazyFrame) -> pl.LazyFrame:
    """`frame` (draws, shape and place columns, period) with the value's hash `bits` and
    its `units` (before any sum over kommuner)."""
    frame = _with_mix(frame, "bits", pl.col("pair_hash"), pl.col("period").cast(pl.UInt64))
    size = pl.when(pl.col("per_inhabitant")).then(pl.col("size")).otherwise(pl.lit(1.0))
    raw = _raw_value(
        (
            pl.col("centre"),
            pl.col("slope"),
            pl.col("spread"),
            pl.col("slope_spread"),
            pl.col("noise"),
        ),
        pl.col("spread_factor"),
        size,
        pl.col("place_draw"),
        pl.col("trend_draw"),
        pl.col("bits") / _TWO_32,
        (pl.col("period") - BASE_YEAR).cast(pl.Float64),
    )
    return frame.with_columns(units=_units_column(raw))


class SyntheticValues:
    """Every municipality has a value (or a null) for every KPI and period.

    A value depends on hashes of its KPI, place and period, the KPI's title (its unit) and
    the place's size only. lookup computes one value in Python (group means, changes);
    page_json computes a page of them a column at a time with the very same arithmetic, so
    a page costs a fraction of a microsecond per record."""

    def __init__(self, kpis: Sequence[Record], municipalities: Sequence[Record] = ()) -> None:
        self._titles = {str(kpi["id"]): str(kpi.get("title") or "") for kpi in kpis}
        self._gendered = {kpi["id"] for kpi in kpis if kpi.get("is_divided_by_gender")}
        self._hashes: dict[str, int] = {}
        self._shapes: dict[str, KpiShape] = {}
        self._place_index: dict[str, int] = {}
        self._places: list[_Place] = []
        ids = [str(place["id"]) for place in municipalities]
        kommuner = {place_id: self._place(place_id) for place_id in ids if is_kommun_id(place_id)}
        for place_id in ids:
            if is_region_id(place_id) and place_id not in self._place_index:
                # Riket's kommuner are all of them, a region's those of its county.
                members = tuple(
                    index
                    for kommun_id, index in kommuner.items()
                    if place_id == RIKET_ID or kommun_id[:2] == place_id[2:]
                )
                self._add_place(place_id, members)

    # --- places and KPIs ----------------------------------------------------------------
    def genders(self, kpi_id: str) -> tuple[str, ...]:
        return ("T", "K", "M") if kpi_id in self._gendered else ("T",)

    def _hash(self, text: str) -> int:
        found = self._hashes.get(text)
        if found is None:
            found = self._hashes[text] = zlib.crc32(text.encode())
        return found

    def shape(self, kpi_id: str) -> KpiShape:
        found = self._shapes.get(kpi_id)
        if found is None:
            found = self._shapes[kpi_id] = kpi_shape(kpi_id, self._titles.get(kpi_id, ""))
        return found

    def _add_place(self, place_id: str, members: tuple[int, ...] = ()) -> int:
        aggregate = is_region_id(place_id)
        self._places.append(
            _Place(
                hash=self._hash(place_id),
                size=kommun_size(place_id),  # an aggregate without kommuner sizes as one
                spread_factor=AGGREGATE_SPREAD if aggregate else 1.0,
                members=members,
            )
        )
        self._place_index[place_id] = len(self._places) - 1
        return len(self._places) - 1

    def _place(self, place_id: str) -> int:
        found = self._place_index.get(place_id)
        return self._add_place(place_id) if found is None else found

    def size(self, place_id: str) -> float:
        """Inhabitants in BASE_YEAR: a kommun's own, a region's or Riket's the sum of its
        kommuner's."""
        place = self._places[self._place(place_id)]
        if not place.members:
            return place.size
        return sum(self._places[member].size for member in place.members)

    # --- values -------------------------------------------------------------------------
    def _own_units(self, shape: KpiShape, kpi_hash: int, place: _Place, period: int) -> int:
        pair_hash = _mix(kpi_hash, place.hash)
        raw = _raw_value(
            (shape.centre, shape.slope, shape.spread, shape.slope_spread, shape.noise),
            place.spread_factor,
            place.size if shape.per_inhabitant else 1.0,
            _fraction(_mix(place.hash, kpi_hash)),
            _fraction(_mix(pair_hash, TREND_SALT)),
            _fraction(_mix(pair_hash, period)),
            float(period - BASE_YEAR),
        )
        return _units(raw, shape)

    def _total_units(self, shape: KpiShape, kpi_hash: int, place: _Place, period: int) -> int:
        if shape.per_inhabitant and place.members:
            # A region's count is its kommuner's sum (each as if it had a value).
            return sum(
                self._own_units(shape, kpi_hash, self._places[member], period)
                for member in place.members
            )
        return self._own_units(shape, kpi_hash, place, period)

    def total(self, kpi_id: str, place_id: str, period: int) -> float:
        """The place's T value, or in a year of a gap the value it would have had (what a
        region's count sums)."""
        shape = self.shape(kpi_id)
        place = self._places[self._place(place_id)]
        return self._total_units(shape, self._hash(kpi_id), place, period) / shape.scale

    def lookup(self, kpi_id: str, place_id: str, period: int) -> GenderValues | None:
        shape, kpi_hash = self.shape(kpi_id), self._hash(kpi_id)
        place = self._places[self._place(place_id)]
        bits = _mix(_mix(kpi_hash, place.hash), period)
        if _fraction(bits) < NULL_SHARE:
            return dict.fromkeys(self.genders(kpi_id))
        total = self._total_units(shape, kpi_hash, place, period)
        value = total / shape.scale
        if kpi_id not in self._gendered:
            return {"T": value}
        spread = _gender_spread(_fraction(_mix(bits, SPREAD_SALT)))
        if shape.split is GenderSplit.HALVES:
            women = math.floor(total * (0.5 + 0.5 * spread) + 0.5)
            men = total - women
        elif shape.split is GenderSplit.SAME:
            women = men = total
        else:
            women, men = _units(value * (1 + spread), shape), _units(value * (1 - spread), shape)
        return {"T": value, "K": women / shape.scale, "M": men / shape.scale}

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
        shapes = [self.shape(kpi_id) for kpi_id in kpi_ids]
        place_indexes = [self._place(place_id) for place_id in place_ids]
        places = [self._places[index] for index in place_indexes]
        index = pl.int_range(start, stop, eager=True)
        pair = index // len(years)
        kpi, place = pair // len(place_ids), pair % len(place_ids)
        # The draws of a (KPI, place) pair serve its every year: drawn once per pair.
        first_pair, last_pair = start // len(years), (stop - 1) // len(years)
        pair_range = pl.int_range(first_pair, last_pair + 1, eager=True)
        kpi_hashes = pl.Series([self._hash(k) for k in kpi_ids], dtype=pl.UInt64)
        place_hashes = pl.Series([p.hash for p in places], dtype=pl.UInt64)
        pair_frame = pl.LazyFrame(
            {
                "kpi_hash": kpi_hashes.gather(pair_range // len(place_ids)),
                "place_hash": place_hashes.gather(pair_range % len(place_ids)),
            }
        )
        pairs = _with_draws(pair_frame).select("pair_hash", "place_draw", "trend_draw").collect()

        kpi_table = pl.DataFrame(
            {
                "kpi_json": [orjson.dumps(k).decode() for k in kpi_ids],
                "gendered": [k in self._gendered for k in kpi_ids],
                **{
                    name: pl.Series([float(getattr(s, name)) for s in shapes], dtype=pl.Float64)
                    for name in (*_SHAPE_COLUMNS, "low", "high", "scale")
                },
                "scale_int": pl.Series([int(s.scale) for s in shapes], dtype=pl.Int64),
                "per_inhabitant": [s.per_inhabitant for s in shapes],
                "split": pl.Series([int(s.split) for s in shapes], dtype=pl.Int8),
                "kpi_hash": kpi_hashes,
            }
        )
        place_table = pl.DataFrame(
            {
                "place_json": [orjson.dumps(p).decode() for p in place_ids],
                "size": pl.Series([p.size for p in places], dtype=pl.Float64),
                "spread_factor": pl.Series([p.spread_factor for p in places], dtype=pl.Float64),
                "sums_members": [bool(p.members) for p in places],
            }
        )
        rows = kpi_table.select(pl.all().gather(kpi)).with_columns(
            *place_table.select(pl.all().gather(place)),
            *pairs.select(pl.all().gather(pair - first_pair)),
            period=pl.Series(list(years), dtype=pl.Int64).gather(index % len(years)),
        )
        # A region's or Riket's count sums its kommuner's: those rows are summed apart.
        summed = rows["per_inhabitant"] & rows["sums_members"]
        member_units = pl.Series("member_units", [None] * len(rows), dtype=pl.Int64)
        if summed.any():
            sums = self._member_sums(rows.filter(summed), place.filter(summed), place_indexes)
            member_units = member_units.scatter(summed.arg_true(), sums)
        frame = _with_units(rows.with_columns(member_units).lazy())
        frame = _with_mix(frame, "spread_bits", pl.col("bits"), _u64(SPREAD_SALT))
        frame = frame.with_columns(units=pl.coalesce("member_units", "units"))
        # Null where the noise says so (Kolada has gaps); every gender is null then.
        valued = pl.col("bits") / _TWO_32 >= NULL_SHARE
        total = pl.col("units")
        spread = _gender_spread(pl.col("spread_bits") / _TWO_32)
        value = total.cast(pl.Float64) / pl.col("scale")
        halves = (total.cast(pl.Float64) * (0.5 + 0.5 * spread) + 0.5).floor().cast(pl.Int64)
        split = pl.col("split")
        frame = frame.with_columns(
            women=pl.when(split == int(GenderSplit.HALVES))
            .then(halves)
            .when(split == int(GenderSplit.SAME))
            .then(total)
            .otherwise(_units_column(value * (1.0 + spread))),
            men=pl.when(split == int(GenderSplit.HALVES))
            .then(total - halves)
            .when(split == int(GenderSplit.SAME))
            .then(total)
            .otherwise(_units_column(value * (1.0 - spread))),
        )
        total_text = pl.when(valued).then(_units_text(total))
        entries_json = (
            pl.when(pl.col("gendered"))
            .then(
                pl.concat_str(
                    _entry_json("T", total_text),
                    _entry_json("K", pl.when(valued).then(_units_text(pl.col("women")))),
                    _entry_json("M", pl.when(valued).then(_units_text(pl.col("men")))),
                    separator=",",
                )
            )
            .otherwise(_entry_json("T", total_text))
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
        ).collect()
        return str(records.item()).encode()

    def _member_sums(
        self, rows: pl.DataFrame, place: pl.Series, place_indexes: list[int]
    ) -> pl.Series:
        """For rows of regions or Riket (`place`: their index in the request) of
        per-inhabitant KPIs: the sums of their kommuner's units, each computed as
        _with_units computes a kommun's own."""
        members = pl.Series(
            [list(self._places[i].members) for i in place_indexes], dtype=pl.List(pl.Int64)
        )
        exploded = (
            rows.select(
                "kpi_hash", "period", "low", "high", "scale", "per_inhabitant", *_SHAPE_COLUMNS
            )
            .with_columns(row=pl.int_range(pl.len()), member=members.gather(place))
            .explode("member", empty_as_null=False)
        )
        member = exploded["member"]
        every_hash = pl.Series([p.hash for p in self._places], dtype=pl.UInt64)
        every_size = pl.Series([p.size for p in self._places], dtype=pl.Float64)
        exploded = exploded.with_columns(
            place_hash=every_hash.gather(member),
            size=every_size.gather(member),
            spread_factor=pl.lit(1.0),
        )
        summed = (
            _with_units(_with_draws(exploded.lazy())).group_by("row").agg(pl.col("units").sum())
        )
        return summed.sort("row").collect()["units"]


# --- the invented catalogue ---------------------------------------------------------------

# Real Kolada ids the goal files name, with the unit each is measured in (the invented title
# names it, so that the generator and the reports know the unit; the titles themselves are
# made up) and a typical level, near which the synthetic values lie: a kommun's value, or per
# inhabitant for counts. Typical levels are round figures of their size, not any place's value.
KNOWN_KPIS: dict[str, tuple[str, float]] = {
    "N00090": ("andel (%)", 7.5),
    "N00091": ("andel (%)", 42.0),
    "N00206": ("andel (%)", 80.0),
    "N00209": ("andel (%)", 65.0),
    "N00401": ("ton CO2-ekv/inv", 5.5),
    "N00556": ("andel (%)", 60.0),
    "N00588": ("andel (%)", 50.0),
    "N00591": ("andel (%)", 30.0),
    "N00599": ("andel (%)", 80.0),
    "N00610": ("andel (%)", 70.0),
    "N00667": ("andel (%)", 80.0),
    "N00669": ("andel (%)", 35.0),
    "N00671": ("index", 78.0),
    "N00673": ("index", 70.0),
    "N00923": ("medelvärde", 80.8),
    "N00945": ("andel (%)", 39.0),
    "N01951": ("antal", 1.0),
    "N01963": ("förändring, procent", 0.0),
    "N01982": ("andel (%)", 38.0),
    "N02267": ("andel (%)", 80.0),
    "N03001": ("andel (%)", 3.0),
    "N03002": ("andel (%)", 25.0),
    "N03935": ("andel (%)", 9.0),
    "N05401": ("andel (%)", 82.0),
    "N07001": ("kr/inv", 900.0),
    "N07403": ("antal/100 000 inv", 1000.0),
    "N07713": ("antal", 0.004),
    "N07917": ("antal/1000 inv", 3.5),
    "N07923": ("antal/1000 inv", 15.0),
    "N07926": ("mediantid i månader", 18.0),
    "N07945": ("andel (%)", 5.0),
    "N09008": ("kr/inv", 500.0),
    "N09100": ("kr/inv", 1300.0),
    "N09807": ("antal/inv", 3.0),
    "N11008": ("kr/inskrivet barn", 170000.0),
    "N11102": ("medelvärde", 5.1),
    "N11810": ("andel (%)", 40.0),
    "N15001": ("förändring, procent", 0.0),
    "N15027": ("kr/elev", 125000.0),
    "N15419": ("andel (%)", 75.0),
    "N15428": ("andel (%)", 85.0),
    "N15507": ("medelvärde", 225.0),
    "N15613": ("andel (%)", 88.0),
    "N15643": ("andel (%)", 82.0),
    "N15659": ("andel (%)", 65.0),
    "N15814": ("andel (%)", 75.0),
    "N17445": ("andel (%)", 67.0),
    "N20900": ("förändring, procent", 0.0),
    "N21006": ("kr/hemtjänsttagare", 300000.0),
    "N23009": ("kr/brukare", 950000.0),
    "N23588": ("andel (%)", 65.0),
    "N31001": ("kr/inv", 1100.0),
    "N31807": ("andel (%)", 3.0),
    "N31814": ("andel (%)", 40.0),
    "N45016": ("kr/inv", 600.0),
    "N45029": ("kr/inv", 1200.0),
    "U07447": ("index", 68.0),
    "U07449": ("index", 72.0),
    "U07453": ("index", 73.0),
    "U07491": ("andel (%)", 85.0),
    "U07514": ("andel (%)", 30.0),
    "U21340": ("ja=1 nej=0", 0.6),
    "U21467": ("andel (%)", 50.0),
    "U21468": ("andel (%)", 85.0),
    "U21475": ("andel (%)", 70.0),
    "U23464": ("andel (%)", 55.0),
    "U23471": ("andel (%)", 80.0),
}

# The units of invented KPIs, one in turn: shares most often, as in Kolada.
INVENTED_UNITS = (
    ("", "andel (%)"),
    ("", "kr/inv"),
    ("", "antal"),
    ("", "andel (%)"),
    ("", "antal/1000 inv"),
    ("", "kr/elev"),
    ("", "andel (%)"),
    ("", "index"),
    (" förändring", "procent"),
    ("", "andel (%)"),
    ("", "kr/inv"),
    ("", "antal/100 000 inv"),
    ("", "tkr"),
    ("", "andel (%)"),
    ("", "antal dagar"),
    ("", "genomsnitt"),
    (" finns", "(Ja=1, Nej=0)"),
    ("", "andel (%)"),
    ("", "kr/inskrivet barn"),
    ("", "antal"),
    ("", "kg/inv"),
    ("", "andel (%)"),
)


SIMILAR_GROUP_YEAR = 2024
SIMILAR_GROUP_SIZE = 7  # as Kolada's similar-kommuner groups have
SIBLING_UNITS = 2  # units invented beside each unit a goal file names, for own_units


def synthetic_metadata(
    kpi_count: int = 40,
    extra_kpi_ids: Sequence[str] = (),
    extra_kommun_ids: Sequence[str] = (),
    extra_group_ids: Sequence[str] = (),
    extra_similar_areas: Sequence[tuple[str, str]] = (),
) -> tuple[list[Record], list[Record], list[Record]]:
    """(kpis, municipalities, groups): an invented catalogue, marked synthetic. Extra ids
    (e.g. those named by goal definitions) are added with their units when KNOWN_KPIS has
    them."""
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
    groups += _similar_groups(extra_similar_areas, municipalities, all_kommuner)
    kpi_ids = [f"N{90000 + i:05d}" for i in range(kpi_count)]
    kpis = [
        synthetic_kpi(kpi_id, gendered=i % 3 == 0, unit=INVENTED_UNITS[i % len(INVENTED_UNITS)])
        for i, kpi_id in enumerate(kpi_ids)
    ]
    # KPIs named elsewhere (goal definitions) are divided by gender, so that any gender works.
    kpis += [synthetic_kpi(k, gendered=True) for k in sorted(set(extra_kpi_ids) - set(kpi_ids))]
    return kpis, municipalities, groups


def _similar_groups(
    kommun_areas: Sequence[tuple[str, str]],
    municipalities: Sequence[Record],
    all_kommuner: Sequence[dict[str, str]],
) -> list[Record]:
    """A "Liknande kommuner <area>, <kommun>, <year>" group for each (kommun, area), titled as
    Kolada titles them so that a similar reference finds it, with kommuner of other counties
    picked by a hash of the pair."""
    titles = {str(m["id"]): str(m["title"]) for m in municipalities}
    groups: list[Record] = []
    for number, (kommun_id, area) in enumerate(sorted(set(kommun_areas))):
        if kommun_id not in titles:
            continue
        others = [m for m in all_kommuner if m["member_id"][:2] != kommun_id[:2]]
        start = zlib.crc32(f"{kommun_id}:{area}".encode()) % len(others)
        step = len(others) // SIMILAR_GROUP_SIZE
        members = [others[(start + i * step) % len(others)] for i in range(SIMILAR_GROUP_SIZE)]
        separator = "," if area.casefold() == "övergripande" else ""
        groups.append({
            "id": f"G{700000 + number}",
            "title": f"Liknande kommuner{separator} {area}, {titles[kommun_id]}, "
            f"{SIMILAR_GROUP_YEAR}",
            "members": members,
        })  # fmt: skip
    return groups


def synthetic_units(kommun_units: Sequence[tuple[str, str]]) -> list[Record]:
    """The units goal files name, each with SIBLING_UNITS more units of its kommun."""
    units: dict[str, Record] = {}
    for kommun_id, ou_id in sorted(set(kommun_units)):
        units[ou_id] = {"id": ou_id, "municipality": kommun_id,
                        "title": f"Enhet {ou_id} ({SYNTHETIC_MARK})"}  # fmt: skip
        for number in range(1, SIBLING_UNITS + 1):
            sibling = f"{ou_id[:4]}9{kommun_id}{number}"
            units.setdefault(sibling, {"id": sibling, "municipality": kommun_id,
                                       "title": f"Enhet {sibling} ({SYNTHETIC_MARK})"})  # fmt: skip
    return list(units.values())


def synthetic_kpi(kpi_id: str, gendered: bool, unit: tuple[str, str] | None = None) -> Record:
    """A KPI of the invented catalogue, titled with its unit when KNOWN_KPIS has it or `unit`
    (a word to add to the name and the unit's label) is given; always marked."""
    if kpi_id in KNOWN_KPIS:
        title = f"Nyckeltal {kpi_id}, {KNOWN_KPIS[kpi_id][0]}"
    elif unit is not None:
        title = f"Nyckeltal {kpi_id}{unit[0]}, {unit[1]}"
    else:
        title = f"Nyckeltal {kpi_id}"
    return {
        "id": kpi_id,
        "title": f"{title} ({SYNTHETIC_MARK})",
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
    extra_similar_areas: Sequence[tuple[str, str]] = (),
    extra_units: Sequence[tuple[str, str]] = (),
) -> FakeDataset:
    """Synthetic values for the given metadata (e.g. the real catalogue), or for an
    invented catalogue when none is given."""
    invented_kpis, invented_places, invented_groups = synthetic_metadata(
        extra_kpi_ids=extra_kpi_ids,
        extra_kommun_ids=extra_kommun_ids,
        extra_group_ids=extra_group_ids,
        extra_similar_areas=extra_similar_areas,
    )
    kpi_list: list[Any] = list(kpis) if kpis is not None else invented_kpis
    place_list: list[Any] = list(municipalities) if municipalities is not None else invented_places
    return FakeDataset(
        kpis=kpi_list,
        municipalities=place_list,
        municipality_groups=(
            list(municipality_groups) if municipality_groups is not None else invented_groups
        ),
        values=SyntheticValues(kpi_list, place_list),
        kpi_groups=list(kpi_groups or []),
        ous=synthetic_units(extra_units),
        years=tuple(years),
        synthetic=True,
    )
