import itertools
import math

import pytest

from kolada_goals.extract.planner import (
    MAX_IDS_PER_SEGMENT,
    ChangeLayouts,
    DataRequest,
    OuDataRequest,
    RequestScope,
    balanced_chunks,
    change_layouts,
    lower_bound_requests,
    plan_data_requests,
)

KOMMUN_IDS = [f"{i:04d}" for i in range(100, 412)]  # 312 ids, like Kolada's list


def kpis(n: int) -> list[str]:
    return [f"N{i:05d}" for i in range(n)]


def covered(plan_requests, all_municipalities: list[str]) -> set[tuple[str, str, int]]:
    combos: set[tuple[str, str, int]] = set()
    for request in plan_requests:
        municipalities = request.municipality_ids or tuple(all_municipalities)
        combos.update(itertools.product(request.kpi_ids, municipalities, request.years))
    return combos


def test_balanced_chunks_cover_in_order_and_respect_size() -> None:
    chunks = balanced_chunks(list(range(53)), 25)
    assert [len(c) for c in chunks] == [18, 18, 17]
    assert [x for c in chunks for x in c] == list(range(53))


@pytest.mark.parametrize(
    ("kpi_count", "municipality_count", "year_count"),
    [(1, 1, 1), (50, 312, 25), (7, 30, 3), (26, 312, 30), (3, 5, 40)],
)
def test_plan_covers_every_combination_exactly_within_limits(
    kpi_count: int, municipality_count: int, year_count: int
) -> None:
    municipalities = KOMMUN_IDS[:municipality_count]
    years = list(range(1990, 1990 + year_count))
    plan = plan_data_requests(kpis(kpi_count), municipalities, years)
    wanted = set(itertools.product(kpis(kpi_count), municipalities, years))
    assert wanted <= covered(plan.requests, KOMMUN_IDS)
    for request in plan.requests:
        assert len(request.kpi_ids) <= MAX_IDS_PER_SEGMENT
        assert len(request.years) <= MAX_IDS_PER_SEGMENT
        if request.municipality_ids is not None:
            assert len(request.municipality_ids) <= MAX_IDS_PER_SEGMENT
    if plan.layout == "by_municipality":
        # No combination is asked for twice.
        total = sum(
            len(r.kpi_ids) * len(r.municipality_ids or ()) * len(r.years) for r in plan.requests
        )
        assert total == len(wanted)


def test_fifty_kpis_all_municipalities_reach_the_lower_bound() -> None:
    plan = plan_data_requests(kpis(50), KOMMUN_IDS, range(1998, 2023))
    assert plan.lower_bound == math.ceil(50 * 312 * 25 / 5000) == 78
    assert plan.expected_pages == 78
    assert plan.layout == "by_municipality"


def test_full_catalogue_plan_is_within_five_percent_of_the_bound() -> None:
    plan = plan_data_requests(kpis(6099), KOMMUN_IDS, range(1996, 2026))
    assert plan.expected_pages <= 1.05 * plan.lower_bound


def test_few_kpis_for_every_municipality_prefer_the_layout_without_municipalities() -> None:
    plan = plan_data_requests(kpis(5), KOMMUN_IDS, [2020])
    # 13 requests of 25 municipalities against 4 pages of every municipality and group.
    assert plan.layout == "all_municipalities"
    assert plan.expected_pages == math.ceil(5 * (312 + 3630) / 5000)
    assert all(r.municipality_ids is None for r in plan.requests)


def test_one_kommun_uses_a_municipality_segment() -> None:
    plan = plan_data_requests(kpis(3), ["2425"], range(2015, 2023))
    assert plan.layout == "by_municipality"
    assert [r.path() for r in plan.requests] == [
        "data/kpi/N00000,N00001,N00002/municipality/2425/year/"
        "2015,2016,2017,2018,2019,2020,2021,2022"
    ]


def test_lower_bound_counts_full_pages() -> None:
    assert lower_bound_requests(1, 1, 1) == 1
    assert lower_bound_requests(25, 8, 25) == 1
    assert lower_bound_requests(25, 8, 26) == 2


def test_empty_request_plans_nothing() -> None:
    plan = plan_data_requests([], KOMMUN_IDS, [2020])
    assert plan.requests == ()


@pytest.mark.parametrize(
    ("kpi_count", "municipality_count", "year_count"),
    [(50, 312, 25), (5, 312, 1), (7, 30, 3), (3, 1, 8)],
)
def test_the_expected_records_of_the_requests_fill_the_expected_pages(
    kpi_count: int, municipality_count: int, year_count: int
) -> None:
    """The client bounds each request's paging by its expected records: they must add up to
    the pages the planner expects."""
    plan = plan_data_requests(
        kpis(kpi_count), KOMMUN_IDS[:municipality_count], range(2000, 2000 + year_count),
        answer_rows_without_municipality=4000,
    )  # fmt: skip
    pages = sum(max(1, math.ceil(r.expected_records / 5000)) for r in plan.requests)
    assert pages == plan.expected_pages


def test_a_request_without_a_municipality_segment_expects_every_place() -> None:
    plan = plan_data_requests(kpis(5), KOMMUN_IDS, [2020], answer_rows_without_municipality=3942)
    assert plan.layout == "all_municipalities"
    assert [r.expected_records for r in plan.requests] == [5 * 3942]


def test_a_request_without_a_municipality_segment_names_every_listed_place() -> None:
    """Its records must lie within the places Kolada lists; the run keeps its own."""
    listed = [*KOMMUN_IDS, *(f"G{n}" for n in range(3630))]
    plan = plan_data_requests(kpis(5), KOMMUN_IDS[:200], [2020], listed_places=listed)
    assert plan.layout == "all_municipalities"
    [request] = plan.requests
    assert request.expected_records == 5 * len(listed)
    assert request.scope() == RequestScope(
        frozenset(kpis(5)), frozenset(listed), frozenset({2020}), frozenset({"T", "K", "M"}),
        places_are_listed=True,
    )  # fmt: skip
    assert request.stored_places == tuple(sorted(KOMMUN_IDS[:200]))


def test_a_request_names_its_ids_as_its_scope() -> None:
    request = DataRequest(("N00001", "N00002"), ("2425", "0180"), (2020, 2021, 2022))
    assert request.expected_records == 12
    assert request.scope() == RequestScope(
        frozenset({"N00001", "N00002"}), frozenset({"0180", "2425"}), frozenset({2020, 2021, 2022})
    )
    ou_request = OuDataRequest(("N00001",), ("V15E242500101",), (2022,))
    assert ou_request.expected_records == 1
    assert ou_request.scope().place_ids == frozenset({"V15E242500101"})


# Kolada's catalogue, roughly: 312 places that are not groups, 3,630 groups of about 10
# members ("Liknande kommuner ..." peer groups) and one of 290 (all kommuner).
GROUP_SIZES = [10] * 3629 + [290]
LISTED = [*KOMMUN_IDS, *(f"G{n}" for n in range(len(GROUP_SIZES)))]


def layouts_for(kpi_count: int, year_count: int = 25) -> ChangeLayouts:
    return change_layouts(
        kpis(kpi_count), KOMMUN_IDS, range(2001, 2001 + year_count),
        listed_places=LISTED, group_sizes=GROUP_SIZES,
    )  # fmt: skip


def test_a_quiet_night_asks_once_per_25_kpis_and_25_years_without_municipalities() -> None:
    for kpi_count, year_count in [(50, 25), (6099, 25), (7, 30)]:
        plan = layouts_for(kpi_count, year_count).plan(share=0.0)
        assert plan.layout == "all_municipalities"
        expected = math.ceil(kpi_count / 25) * math.ceil(year_count / 25)
        assert len(plan.requests) == plan.expected_pages == plan.lower_bound == expected
        assert all(r.municipality_ids is None for r in plan.requests)


def test_scattered_changes_among_kommuner_are_asked_for_by_municipality() -> None:
    """1 % of kommun values changed at random: most groups' means changed with them, so the
    answer without a municipality segment would be mostly groups nobody asked for."""
    layouts = layouts_for(50)
    plan = layouts.plan(share=0.01)
    assert plan.layout == "by_municipality"
    assert plan.expected_pages == len(layouts.by_municipality) == 2 * 13
    assert plan.expected_pages < layouts.expected_pages(layouts.all_places, 0.01, 5000)


def test_the_sample_request_is_one_of_the_by_municipality_requests_among_kommuner() -> None:
    layouts = layouts_for(50)
    assert layouts.worth_probing
    assert layouts.probe in layouts.by_municipality
    assert layouts.probe.municipality_ids is not None
    assert layouts.probe.municipality_ids[0] > "0200"  # not Riket and the regions first


def test_for_a_few_municipalities_the_by_municipality_layout_is_planned_without_a_sample() -> None:
    layouts = change_layouts(
        kpis(50), KOMMUN_IDS[:20], range(2001, 2026), listed_places=LISTED,
        group_sizes=GROUP_SIZES,
    )  # fmt: skip
    assert not layouts.worth_probing
    assert layouts.plan(share=0.0).layout == "by_municipality"
