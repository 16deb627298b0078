"""The fake's synthetic values: pages rendered a column at a time hold exactly the records
built one by one (which group means and changes use), and every KPI's values lie where values
of its unit do."""

import random
import statistics
from typing import Any

import orjson
import pytest

from kolada_goals.fake import FakeDataset, synthetic_dataset
from kolada_goals.fake.dataset import DenseAnswer
from kolada_goals.fake.synthetic import (
    NULL_SHARE,
    POPULATION_KPI_ID,
    SYNTHETIC_MARK,
    SyntheticValues,
    synthetic_kpi,
    synthetic_metadata,
)
from kolada_goals.units import UnitKind, kpi_unit

YEARS = list(range(1996, 2026))
# Five KPIs of every unit kind (each draws its own level), divided by gender in turn.
TITLES_BY_KIND = {
    UnitKind.SHARE: "Elever, andel (%)",
    UnitKind.CHANGE: "Befolkningsförändring, procent",
    UnitKind.COST_PER_INHABITANT: "Kostnad, kr/inv",
    UnitKind.COST_PER_USER: "Kostnad, kr/elev",
    UnitKind.AMOUNT: "Kostnad, tkr",
    UnitKind.RATE: "Brott, antal/1000 inv",
    UnitKind.COUNT: "Anställda, antal",
    UnitKind.DAYS: "Väntetid, antal dagar",
    UnitKind.INDEX: "Nöjdhet, index",
    UnitKind.YES_NO: "Policy finns, (Ja=1, Nej=0)",
    UnitKind.AVERAGE: "Meritvärde, genomsnitt",
    UnitKind.OTHER: "Avfall, kg/inv",
}
# (lowest, highest, decimals) of a kommun's values
PLAUSIBLE = {
    UnitKind.SHARE: (0, 100, 1),
    UnitKind.CHANGE: (-3, 3, 1),
    UnitKind.COST_PER_INHABITANT: (500, 60_000, 0),
    UnitKind.COST_PER_USER: (10_000, 1_500_000, 0),
    UnitKind.AMOUNT: (0, 20_000_000, 0),
    UnitKind.RATE: (0, 300, 1),
    UnitKind.COUNT: (0, 30_000, 0),
    UnitKind.DAYS: (1, 600, 0),
    UnitKind.INDEX: (0, 100, 0),
    UnitKind.YES_NO: (0, 1, 0),
    UnitKind.AVERAGE: (1, 150, 1),
    UnitKind.OTHER: (0, 2000, 1),
}


def kind_kpis() -> list[dict[str, Any]]:
    kpis = []
    for number, (kind, title) in enumerate(TITLES_BY_KIND.items()):
        for copy in range(5):
            kpi_id = f"N8{number:02d}{copy:02d}"
            kpi = synthetic_kpi(kpi_id, gendered=copy % 2 == 0)
            kpis.append({**kpi, "title": f"{title} ({SYNTHETIC_MARK})"})
            assert kpi_unit(kpis[-1]["title"]).kind is kind
    return kpis


@pytest.fixture(scope="module")
def by_kind() -> FakeDataset:
    """A KPI of every unit kind, Invånare totalt and a few real KPIs, on the invented
    places."""
    _, places, groups = synthetic_metadata()
    real = [synthetic_kpi(k, gendered=True) for k in ("N00923", "N15428", POPULATION_KPI_ID)]
    return synthetic_dataset([*kind_kpis(), *real], places, groups)


def rendered(dataset: FakeDataset, kpis: list[str], places: list[str], years: list[int]) -> Any:
    answer = dataset.answer(kpis, places, years)
    assert isinstance(answer, DenseAnswer)
    return orjson.loads(b"[" + answer.page_json(0, len(answer)) + b"]")


def values(dataset: FakeDataset) -> SyntheticValues:
    assert isinstance(dataset.values, SyntheticValues)
    return dataset.values


def kommuner(dataset: FakeDataset) -> list[str]:
    return [place["id"] for place in dataset.municipalities if place["type"] == "K"]


def test_rendered_pages_hold_the_records_built_one_by_one(by_kind: FakeDataset) -> None:
    invented = synthetic_dataset()
    chooser = random.Random(2026)
    for dataset in (invented, by_kind):
        kpi_ids = [kpi["id"] for kpi in dataset.kpis]
        place_ids = [place["id"] for place in dataset.municipalities]
        for _ in range(40):
            kpis = chooser.sample(kpi_ids, chooser.randint(1, 25))
            # Riket and regions sum their kommuner's counts: never left out for long.
            places = chooser.sample(place_ids, chooser.randint(1, 25))
            places += [place for place in ("0000", "0024") if place not in places]
            years = sorted(chooser.sample(YEARS, chooser.randint(1, 25)))
            answer = dataset.answer(kpis, places, years)
            assert isinstance(answer, DenseAnswer)
            start = chooser.randint(0, len(answer))
            stop = chooser.randint(start, len(answer) + 10)  # past the end, as a last page asks
            page = orjson.loads(b"[" + answer.page_json(start, stop) + b"]")
            assert page == answer[start:stop]


def test_every_unit_kinds_values_lie_in_its_plausible_range(by_kind: FakeDataset) -> None:
    kpis = {kpi["id"]: kpi_unit(kpi["title"]).kind for kpi in kind_kpis()}
    found: dict[UnitKind, list[float]] = {}
    for record in rendered(by_kind, list(kpis), kommuner(by_kind), YEARS):
        for entry in record["values"]:
            if entry["value"] is not None:
                found.setdefault(kpis[record["kpi"]], []).append(entry["value"])
    assert set(found) == set(UnitKind)
    for kind, numbers in found.items():
        lowest, highest, decimals = PLAUSIBLE[kind]
        assert lowest <= min(numbers) and max(numbers) <= highest, kind
        assert all(round(v, decimals) == v for v in numbers), kind
    assert set(found[UnitKind.YES_NO]) == {0.0, 1.0}
    assert min(found[UnitKind.CHANGE]) < 0 < max(found[UnitKind.CHANGE])
    # Most shares lie in a believable band, and each KPI has a level of its own.
    shares = found[UnitKind.SHARE]
    assert sum(10 <= v <= 95 for v in shares) / len(shares) > 0.9
    assert statistics.pstdev(shares) > 5
    costs = found[UnitKind.COST_PER_INHABITANT]
    assert 1000 <= statistics.median(costs) <= 30_000  # thousands to tens of thousands
    assert 20_000 <= statistics.median(found[UnitKind.COST_PER_USER]) <= 500_000


def test_real_kpis_lie_near_their_typical_level(by_kind: FakeDataset) -> None:
    for kpi, lowest, highest in (("N00923", 70, 92), ("N15428", 60, 100)):
        records = rendered(by_kind, [kpi], kommuner(by_kind), YEARS)
        numbers = [e["value"] for r in records for e in r["values"] if e["value"] is not None]
        assert lowest <= min(numbers) and max(numbers) <= highest, kpi


def test_counts_grow_with_the_kommuns_size_and_regions_sum_them(by_kind: FakeDataset) -> None:
    synthetic = values(by_kind)
    places = sorted(kommuner(by_kind), key=synthetic.size)
    count_kpi = next(k["id"] for k in by_kind.kpis if k["title"].startswith("Anställda, antal"))

    def totals(kpi: str, places: list[str], year: int = 2020) -> list[float]:
        found = (synthetic.lookup(kpi, place, year) or {} for place in places)
        return [entry["T"] or 0.0 for entry in found]

    smallest, largest = totals(count_kpi, places[:30]), totals(count_kpi, places[-30:])
    assert max(smallest) < min(v for v in largest if v)
    # Invånare totalt is the size itself, within a yearly change of at most 0.8 %.
    for place in places[::10]:
        size = synthetic.size(place)
        population = (synthetic.lookup(POPULATION_KPI_ID, place, 2020) or {})["T"]
        assert population is None or abs(population - size) <= 0.09 * size
    # A region's count is the sum of its kommuner's, Riket's the sum of all (as in Kolada,
    # where a region's value is computed from summed parts, not a mean of kommuner).
    county = [place for place in places if place.startswith("24")]
    for kpi in (count_kpi, POPULATION_KPI_ID):
        for place, members in (("0024", county), ("0000", places)):
            own = (synthetic.lookup(kpi, place, 2021) or {})["T"]
            assert own is None or own == sum(
                synthetic.total(kpi, member, 2021) for member in members
            )
    assert synthetic.size("0000") == sum(synthetic.size(place) for place in places)


def test_genders_lie_around_the_total_and_counts_split_it(by_kind: FakeDataset) -> None:
    kpis = {kpi["id"]: kpi_unit(kpi["title"]).kind for kpi in by_kind.kpis}
    gendered = [k["id"] for k in by_kind.kpis if k["is_divided_by_gender"]]
    for record in rendered(by_kind, gendered, kommuner(by_kind)[:40], YEARS):
        entries = {e["gender"]: e["value"] for e in record["values"]}
        assert list(entries) == ["T", "K", "M"]
        total, women, men = entries["T"], entries["K"], entries["M"]
        if total is None:
            assert women is None and men is None  # a gap has every gender
        elif record["kpi"] == POPULATION_KPI_ID or kpis[record["kpi"]] in (
            UnitKind.COUNT, UnitKind.AMOUNT
        ):  # fmt: skip
            assert women + men == total
        elif kpis[record["kpi"]] is UnitKind.YES_NO:
            assert women == men == total
        else:
            assert abs(women - total) <= 0.05 * abs(total) + 0.5  # 5 %, and rounding
            assert abs(men - total) <= 0.05 * abs(total) + 0.5  # 5 %, and rounding


def test_values_are_the_same_in_every_run(by_kind: FakeDataset) -> None:
    again = synthetic_dataset(by_kind.kpis, by_kind.municipalities, by_kind.municipality_groups)
    kpis = [kpi["id"] for kpi in by_kind.kpis]
    places = [place["id"] for place in by_kind.municipalities]
    assert rendered(by_kind, kpis, places, YEARS[-3:]) == rendered(again, kpis, places, YEARS[-3:])
    # Made from hashes and arithmetic alone (no random numbers, no library powers): these very
    # figures on every run and platform.
    offline = synthetic_dataset(extra_kpi_ids=["N15428", "N01963"], extra_kommun_ids=["2425"])
    assert offline.values.lookup("N15428", "2425", 2024) == {"T": 84.1, "K": 83.1, "M": 85.1}
    assert offline.values.lookup("N01963", "2425", 2021) == {"T": -0.7, "K": -0.7, "M": -0.7}
    assert offline.values.lookup("N90002", "0024", 2020) == {"T": 34087.0}  # a county's sum


def test_synthetic_values_look_like_kolada_values() -> None:
    dataset = synthetic_dataset()
    gendered = next(kpi["id"] for kpi in dataset.kpis if kpi["is_divided_by_gender"])
    places = [place["id"] for place in dataset.municipalities][:25]
    records = rendered(dataset, [gendered], places, list(range(2001, 2026)))
    assert len(records) == 25 * 25
    assert all([e["gender"] for e in r["values"]] == ["T", "K", "M"] for r in records)
    numbers = [e["value"] for r in records for e in r["values"]]
    nulls = sum(v is None for v in numbers) / len(numbers)
    assert 0 < nulls < 3 * NULL_SHARE  # Kolada has gaps, not many
    assert all(v is None or (0 <= v <= 100 and round(v, 1) == v) for v in numbers)  # a share
    assert all(SYNTHETIC_MARK in kpi["title"] for kpi in dataset.kpis)
    # The invented catalogue has a KPI of every unit kind.
    assert {kpi_unit(kpi["title"]).kind for kpi in dataset.kpis} == set(UnitKind)
