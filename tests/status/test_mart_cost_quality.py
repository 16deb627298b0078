"""Golden tests of mart_cost_quality on tiny hand-made rows: the reference's kommuner, the
means and each kommun's quadrant."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import duckdb
import pytest

from tests.status import tiny_warehouse
from tests.status.tiny_warehouse import KOMMUN, indicator, rows_of

QUALITY, COST, LOWER_QUALITY = "N90001", "N90002", "N90003"
KPIS = [(QUALITY, "Nöjdhet, andel (%)", False), (COST, "Kostnad, kr/inv", False),
        (LOWER_QUALITY, "Väntetid, antal dagar", False)]  # fmt: skip
# (quality, cost, quality where lower is better) per kommun in 2022.
VALUES_2022 = {
    KOMMUN: (80.0, 9000.0, 10.0),
    "2402": (70.0, 11000.0, 30.0),
    "2403": (90.0, 12000.0, 20.0),
    "2404": (60.0, 8000.0, 40.0),  # county: quality mean 75, cost mean 10 000
    "2501": (99.0, 1000.0, 1.0),  # another county: only in all_kommuner and its group
    "2502": (50.0, None, 5.0),  # no cost value: never in a mean
}


def values() -> list[tuple[str, str, int, str, float]]:
    rows = []
    for member, (quality, cost, lower) in VALUES_2022.items():
        rows.append((QUALITY, member, 2022, "T", quality))
        rows.append((LOWER_QUALITY, member, 2022, "T", lower))
        if cost is not None:
            rows.append((COST, member, 2022, "T", cost))
    rows.append((QUALITY, "0000", 2022, "T", 1.0))  # Riket is no kommun
    rows.append((COST, "0000", 2022, "T", 1.0))
    return rows


def pair(quality: str, reference_kind: str = "county", **columns: Any) -> dict[str, Any]:
    return {"kommun_id": KOMMUN, "goal_id": "G1", "quality_indicator_id": quality,
            "cost_indicator_id": "cost", "ordinal": 0, "reference_kind": reference_kind,
            **columns}  # fmt: skip


@pytest.fixture(scope="module")
def warehouse() -> Iterator[duckdb.DuckDBPyConnection]:
    indicators = [
        indicator("quality", QUALITY, 0),
        indicator("cost", COST, 1, direction="lower"),
        indicator("waiting", LOWER_QUALITY, 2, direction="lower"),
        indicator("quality-all", QUALITY, 3),
        indicator("quality-group", QUALITY, 4),
    ]
    pairs = [
        pair("quality"),
        pair("waiting"),
        pair("quality-all", "all_kommuner"),
        pair("quality-group", "similar", reference_group_id="G9"),
    ]
    groups = [("G9", "Liknande kommuner grundskola, K1, 2024", ("2403", "2501"))]
    con = tiny_warehouse.build(KPIS, indicators, values(), cost_quality=pairs, groups=groups)
    yield con
    con.close()


def members(con: duckdb.DuckDBPyConnection, quality: str) -> dict[str, dict[str, Any]]:
    rows = rows_of(con, "select * from mart_cost_quality where quality_indicator_id = ?", [quality])
    return {row["member_id"]: row for row in rows}


def test_the_county_pair_holds_the_county_kommuner_with_both_values(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    rows = members(warehouse, "quality")
    assert sorted(rows) == [KOMMUN, "2402", "2403", "2404"]
    own = rows[KOMMUN]
    assert own["is_kommun"] and not rows["2402"]["is_kommun"]
    assert (own["quality_mean"], own["cost_mean"], own["kommun_count"]) == (75.0, 10000.0, 4)
    assert own["quadrant"] == "higher_quality_lower_cost"
    assert own["quadrant_label"] == "Högre kvalitet till lägre kostnad"
    assert rows["2402"]["quadrant"] == "lower_quality_higher_cost"
    assert rows["2403"]["quadrant_label"] == "Högre kvalitet till högre kostnad"
    assert rows["2404"]["quadrant_label"] == "Lägre kvalitet till lägre kostnad"


def test_lower_is_better_quality_turns_the_quality_axis(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    rows = members(warehouse, "waiting")  # days: mean 25, the kommun waits 10
    assert rows[KOMMUN]["quadrant"] == "higher_quality_lower_cost"
    assert rows["2404"]["quadrant"] == "lower_quality_lower_cost"  # 40 days, cheap


def test_all_kommuner_and_a_group_are_their_members_and_the_kommun(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    assert sorted(members(warehouse, "quality-all")) == [KOMMUN, "2402", "2403", "2404", "2501"]
    group = members(warehouse, "quality-group")
    assert sorted(group) == [KOMMUN, "2403", "2501"]  # the kommun always, besides the group
    assert group[KOMMUN]["quality_mean"] == pytest.approx((80 + 90 + 99) / 3)
