"""Plan data requests: as few as possible under Kolada's 25-id and 5000-row limits.

Kolada answers at most 25 ids per path segment and at most 5000 records per page; a
request for more ids must be split into chunks combined as a cartesian product, and every
page of an answer is one more request. The planner searches the chunk sizes of every
segment and both layouts (with a municipality segment, or without one, which answers every
municipality and every group) and keeps the plan with the fewest expected pages.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from kolada_goals.ids import GENDERS

MAX_IDS_PER_SEGMENT = 25
MAX_PER_PAGE = 5000
# What a data request without a municipality segment answers per KPI and year:
# 312 municipalities and about 3,630 groups (checked against the real metadata).
DEFAULT_ANSWER_ROWS_WITHOUT_MUNICIPALITY = 312 + 3630

T = TypeVar("T")

Layout = Literal["by_municipality", "all_municipalities"]


@dataclass(frozen=True)
class RequestScope:
    """The ids one request names: every record of its answer must lie within them.

    Kolada answers every gender of a value, so a request names all three."""

    kpi_ids: frozenset[str]
    place_ids: frozenset[str] | None  # None: not known, any id of Kolada's forms
    years: frozenset[int]
    genders: frozenset[str] = frozenset(GENDERS)
    # The places are every place Kolada lists (no place segment), not ones the request named.
    places_are_listed: bool = False


@dataclass(frozen=True)
class DataRequest:
    """One request to /data: every KPI x municipality x year combination it names."""

    kpi_ids: tuple[str, ...]
    municipality_ids: tuple[str, ...] | None  # None: no municipality segment
    years: tuple[int, ...]
    # How many places an answer without a municipality segment holds per KPI and year
    # (every municipality and group Kolada lists): the planner's estimate.
    places_without_municipality: int = field(
        default=DEFAULT_ANSWER_ROWS_WITHOUT_MUNICIPALITY, compare=False
    )
    # Without a municipality segment: every place Kolada lists, which the answer's records
    # must lie within (None: not known, only the forms of ids are checked) ...
    listed_places: frozenset[str] | None = field(default=None, compare=False, repr=False)
    # ... and the places the run keeps of it (None: every place answered).
    kept_places: tuple[str, ...] | None = field(default=None, compare=False, repr=False)

    def path(self) -> str:
        parts = ["data", "kpi", ",".join(self.kpi_ids)]
        if self.municipality_ids is not None:
            parts += ["municipality", ",".join(self.municipality_ids)]
        parts += ["year", ",".join(str(year) for year in self.years)]
        return "/".join(parts)

    def scope(self) -> RequestScope:
        if self.municipality_ids is None:
            return RequestScope(
                frozenset(self.kpi_ids), self.listed_places, frozenset(self.years),
                places_are_listed=True,
            )  # fmt: skip
        return RequestScope(
            frozenset(self.kpi_ids), frozenset(self.municipality_ids), frozenset(self.years)
        )

    @property
    def stored_places(self) -> tuple[str, ...] | None:
        """The places whose values the answer replaces (None: every place answered)."""
        return self.kept_places if self.municipality_ids is None else self.municipality_ids

    @property
    def expected_records(self) -> int:
        """Records of the answer if every combination has data: Kolada sends at most one
        record per KPI, place and year."""
        places = (
            self.places_without_municipality
            if self.municipality_ids is None
            else len(self.municipality_ids)
        )
        return len(self.kpi_ids) * places * len(self.years)


@dataclass(frozen=True)
class OuDataRequest:
    """One request to /oudata for organisational units (schools, care homes ...)."""

    kpi_ids: tuple[str, ...]
    ou_ids: tuple[str, ...]
    years: tuple[int, ...]

    def path(self) -> str:
        return "/".join(
            [
                "oudata/kpi",
                ",".join(self.kpi_ids),
                "ou",
                ",".join(self.ou_ids),
                "year",
                ",".join(str(year) for year in self.years),
            ]
        )

    def scope(self) -> RequestScope:
        return RequestScope(frozenset(self.kpi_ids), frozenset(self.ou_ids), frozenset(self.years))

    @property
    def expected_records(self) -> int:
        """Records of the answer if every combination has data (at most one per KPI, unit
        and year)."""
        return len(self.kpi_ids) * len(self.ou_ids) * len(self.years)


@dataclass(frozen=True)
class RequestPlan:
    requests: tuple[DataRequest, ...]
    layout: Layout
    expected_pages: int  # requests including follow-up pages, if every combination has data
    lower_bound: int  # fewest requests any client could make for the same records

    @property
    def ratio_to_lower_bound(self) -> float:
        return self.expected_pages / self.lower_bound if self.lower_bound else 1.0


def balanced_chunks(items: Sequence[T], chunk_size: int) -> list[tuple[T, ...]]:
    """Split items into ceil(n / chunk_size) chunks whose sizes differ by at most one."""
    if not items:
        return []
    count = math.ceil(len(items) / chunk_size)
    base, extra = divmod(len(items), count)
    chunks: list[tuple[T, ...]] = []
    start = 0
    for index in range(count):
        size = base + (1 if index < extra else 0)
        chunks.append(tuple(items[start : start + size]))
        start += size
    return chunks


def _chunk_sizes(total: int, chunk_size: int) -> list[tuple[int, int]]:
    """(size, how many chunks of that size) for balanced_chunks of `total` items."""
    count = math.ceil(total / chunk_size)
    base, extra = divmod(total, count)
    sizes = [(base + 1, extra), (base, count - extra)]
    return [(size, times) for size, times in sizes if times > 0]


def _pages(rows: int, per_page: int) -> int:
    return max(1, math.ceil(rows / per_page))


def _best_by_municipality(
    kpi_count: int, municipality_count: int, year_count: int, per_page: int
) -> tuple[int, tuple[int, int, int]]:
    best: tuple[int, tuple[int, int, int]] | None = None
    # The chunkings of each segment, computed once: the search tries 25^3 combinations.
    kpi_chunks, municipality_chunks, year_chunks = (
        [
            (size, _chunk_sizes(count, size))
            for size in range(1, min(MAX_IDS_PER_SEGMENT, count) + 1)
        ]
        for count in (kpi_count, municipality_count, year_count)
    )
    for (k, kpi_sizes), (m, municipality_sizes) in itertools.product(
        kpi_chunks, municipality_chunks
    ):
        pairs = [(ks * ms, kn * mn) for ks, kn in kpi_sizes for ms, mn in municipality_sizes]
        for y, year_sizes in year_chunks:
            # Every chunk is non-empty, so each request has at least one page.
            cost = sum(
                times * yn * -(-rows * ys // per_page)
                for rows, times in pairs
                for ys, yn in year_sizes
            )
            if best is None or cost < best[0]:
                best = (cost, (k, m, y))
    assert best is not None
    return best


def _best_all_municipalities(
    kpi_count: int, year_count: int, answer_rows: int, per_page: int
) -> tuple[int, tuple[int, int]]:
    best: tuple[int, tuple[int, int]] | None = None
    for k, y in itertools.product(
        range(1, min(MAX_IDS_PER_SEGMENT, kpi_count) + 1),
        range(1, min(MAX_IDS_PER_SEGMENT, year_count) + 1),
    ):
        cost = sum(
            kn * yn * _pages(ks * ys * answer_rows, per_page)
            for (ks, kn), (ys, yn) in itertools.product(
                _chunk_sizes(kpi_count, k), _chunk_sizes(year_count, y)
            )
        )
        if best is None or cost < best[0]:
            best = (cost, (k, y))
    assert best is not None
    return best


def lower_bound_requests(
    kpi_count: int, municipality_count: int, year_count: int, per_page: int = MAX_PER_PAGE
) -> int:
    """Fewest requests any client could make: every wanted (KPI, municipality, year) record
    has to arrive on some page and a page holds at most `per_page` records."""
    return math.ceil(kpi_count * municipality_count * year_count / per_page)


def plan_data_requests(
    kpi_ids: Sequence[str],
    municipality_ids: Sequence[str],
    years: Sequence[int],
    *,
    listed_places: Collection[str] | None = None,
    answer_rows_without_municipality: int | None = None,
    per_page: int = MAX_PER_PAGE,
) -> RequestPlan:
    """Plan requests for every combination of the given KPIs, municipalities and years.

    `listed_places` is every municipality and group Kolada lists: what a request without a
    municipality segment answers, and so what its records are checked against; the run
    keeps only the given municipalities of such an answer. Without it, the answer is
    assumed to hold `answer_rows_without_municipality` places per KPI and year."""
    listed = frozenset(listed_places) if listed_places is not None else None
    if answer_rows_without_municipality is None:
        answer_rows_without_municipality = (
            max(len(listed), 1) if listed is not None else DEFAULT_ANSWER_ROWS_WITHOUT_MUNICIPALITY
        )
    kpis = sorted(set(kpi_ids))
    municipalities = sorted(set(municipality_ids))
    wanted_years = sorted(set(years))
    if not (kpis and municipalities and wanted_years):
        return RequestPlan((), "by_municipality", 0, 0)
    bound = lower_bound_requests(len(kpis), len(municipalities), len(wanted_years), per_page)

    by_cost, (k, m, y) = _best_by_municipality(
        len(kpis), len(municipalities), len(wanted_years), per_page
    )
    all_cost, (k_all, y_all) = _best_all_municipalities(
        len(kpis), len(wanted_years), answer_rows_without_municipality, per_page
    )
    if all_cost < by_cost:
        kept = tuple(municipalities)
        requests = tuple(
            DataRequest(kpi_chunk, None, year_chunk, answer_rows_without_municipality, listed, kept)
            for kpi_chunk, year_chunk in itertools.product(
                balanced_chunks(kpis, k_all), balanced_chunks(wanted_years, y_all)
            )
        )
        return RequestPlan(requests, "all_municipalities", all_cost, bound)
    requests = tuple(
        DataRequest(kpi_chunk, municipality_chunk, year_chunk)
        for kpi_chunk, municipality_chunk, year_chunk in itertools.product(
            balanced_chunks(kpis, k),
            balanced_chunks(municipalities, m),
            balanced_chunks(wanted_years, y),
        )
    )
    return RequestPlan(requests, "by_municipality", by_cost, bound)


def plan_ou_data_requests(
    kpi_ids: Sequence[str], ou_ids: Sequence[str], years: Sequence[int]
) -> tuple[OuDataRequest, ...]:
    """OU data is small per unit; chunk every segment at the 25-id limit."""
    return tuple(
        OuDataRequest(kpi_chunk, ou_chunk, year_chunk)
        for kpi_chunk, ou_chunk, year_chunk in itertools.product(
            balanced_chunks(sorted(set(kpi_ids)), MAX_IDS_PER_SEGMENT),
            balanced_chunks(sorted(set(ou_ids)), MAX_IDS_PER_SEGMENT),
            balanced_chunks(sorted(set(years)), MAX_IDS_PER_SEGMENT),
        )
    )


# --- changes since a date (from_date) -------------------------------------------------


@dataclass(frozen=True)
class ChangeLayouts:
    """The two ways to ask for what changed since a date, for one set of KPIs and years.

    Without a municipality segment one request per 25 KPIs and 25 years covers every place,
    but answers the changes of every group as well: a group's mean changes whenever one of
    its members' values does, so scattered changes among kommuner reach many groups. With a
    municipality segment the answer holds only the places asked for, in 25 times as many
    requests per municipality chunk."""

    all_places: tuple[DataRequest, ...]
    by_municipality: tuple[DataRequest, ...]
    listed_municipalities: int  # listed places that are not groups
    group_sizes: tuple[int, ...]  # members of every listed group

    @property
    def lower_bound(self) -> int:
        """Fewest requests for any night: every KPI chunk and year chunk must be asked once
        in the cheaper layout, whatever changed."""
        return min(len(self.all_places), len(self.by_municipality)) if self.all_places else 0

    def changed_records(self, request: DataRequest, share: float) -> float:
        """Records expected in the answer of `request` when a `share` of the kommuner's
        records changed, at random: a group's record changes when any member's does."""
        if request.municipality_ids is not None:
            places = len(request.municipality_ids) * share
        else:
            groups = sum(1 - (1 - share) ** size for size in self.group_sizes)
            places = self.listed_municipalities * share + groups
        return len(request.kpi_ids) * len(request.years) * places

    def expected_pages(self, requests: Sequence[DataRequest], share: float, per_page: int) -> int:
        return sum(
            max(1, math.ceil(self.changed_records(request, share) / per_page))
            for request in requests
        )

    def plan(self, share: float, per_page: int = MAX_PER_PAGE) -> RequestPlan:
        """The layout with the fewer expected pages when `share` of the records changed (by
        municipality on a tie: its answers hold no groups nobody asked for)."""
        all_pages = self.expected_pages(self.all_places, share, per_page)
        by_pages = self.expected_pages(self.by_municipality, share, per_page)
        if by_pages <= all_pages:
            return RequestPlan(self.by_municipality, "by_municipality", by_pages, self.lower_bound)
        return RequestPlan(self.all_places, "all_municipalities", all_pages, self.lower_bound)

    @property
    def probe(self) -> DataRequest:
        """The request that samples the night's changes: the first KPIs and years, among
        kommuner in the middle of the id order (the first ids are Riket and the regions)."""
        first = self.by_municipality[0]
        place_chunks = [
            request
            for request in self.by_municipality
            if request.kpi_ids == first.kpi_ids and request.years == first.years
        ]
        return place_chunks[len(place_chunks) // 2]

    @property
    def worth_probing(self) -> bool:
        """The by-municipality layout wins only if changes are many and scattered; when it
        needs no more requests than the other one, it wins at any share."""
        return len(self.by_municipality) > len(self.all_places)


def change_layouts(
    kpi_ids: Sequence[str],
    municipality_ids: Sequence[str],
    years: Sequence[int],
    *,
    listed_places: Collection[str],
    group_sizes: Sequence[int],
) -> ChangeLayouts:
    """Both layouts of a request for the changes of the given KPIs, places and years, in
    chunks of 25 ids per segment (a change answer is small: ids, not pages, bound it)."""
    kpis = sorted(set(kpi_ids))
    places = sorted(set(municipality_ids))
    wanted_years = sorted(set(years))
    listed = frozenset(listed_places)
    if not (kpis and places and wanted_years):
        return ChangeLayouts((), (), 0, ())
    answer_rows = max(len(listed), 1)
    kept = tuple(places)
    kpi_chunks = balanced_chunks(kpis, MAX_IDS_PER_SEGMENT)
    year_chunks = balanced_chunks(wanted_years, MAX_IDS_PER_SEGMENT)
    all_places = tuple(
        DataRequest(kpi_chunk, None, year_chunk, answer_rows, listed, kept)
        for kpi_chunk, year_chunk in itertools.product(kpi_chunks, year_chunks)
    )
    by_municipality = tuple(
        DataRequest(kpi_chunk, place_chunk, year_chunk)
        for kpi_chunk, place_chunk, year_chunk in itertools.product(
            kpi_chunks, balanced_chunks(places, MAX_IDS_PER_SEGMENT), year_chunks
        )
    )
    return ChangeLayouts(
        all_places, by_municipality, max(len(listed) - len(group_sizes), 0), tuple(group_sizes)
    )
