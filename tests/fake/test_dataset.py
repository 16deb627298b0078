"""The fake's from_date answers: a member's change moves its groups' means, as in Kolada."""

import random
from datetime import date
from typing import Any

import httpx
import pytest

from kolada_goals.fake import FakeDataset, create_app, synthetic_dataset
from kolada_goals.fake.dataset import TableValues

pytestmark = pytest.mark.anyio

NIGHT = date(2026, 11, 24)
SINCE = "2026-11-23"
GENDERED_KPI = "N90000"  # synthetic KPIs whose index is divisible by 3 are divided by gender
KPI = "N90001"
KOMMUN = "0101"  # member of G33612 (county 01) and G2328 (every kommun)
COUNTY_GROUP = "G33612"
OTHER_COUNTY_GROUP = "G33613"
ALL_KOMMUNER = "G2328"


async def get_values(dataset: FakeDataset, path: str, since: str | None = None) -> list[Any]:
    """Every record of every page of a data request to the fake's HTTP app."""
    transport = httpx.ASGITransport(app=create_app(dataset))
    records: list[Any] = []
    async with httpx.AsyncClient(transport=transport, base_url="http://kolada.test") as client:
        url: str | None = f"/v3/{path}"
        # Follow-up pages come as next_url with their query; empty params would drop it.
        first = {"per_page": "50", **({"from_date": since} if since else {})}
        params: dict[str, str] | None = first
        while url:
            response = await client.get(url, params=params)
            assert response.status_code == 200, response.text
            body = response.json()
            records.extend(body["values"])
            url, params = body["next_url"] or None, None
    return records


def by_place(records: list[Any]) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for record in records:
        assert record["municipality"] not in found, "one record per place"
        found[record["municipality"]] = record["values"]
    return found


async def test_a_members_change_is_answered_for_its_groups_with_the_full_answers_mean() -> None:
    dataset = synthetic_dataset()
    dataset.set_value(KPI, KOMMUN, 2020, "T", 5000.0, changed_on=NIGHT)
    changed = by_place(await get_values(dataset, f"data/kpi/{KPI}/year/2020", SINCE))
    assert set(changed) == {KOMMUN, COUNTY_GROUP, ALL_KOMMUNER}
    assert changed[KOMMUN] == [
        {"gender": "T", "count": 1, "status": "", "value": 5000.0, "isdeleted": False}
    ]
    # The from_date answer tells the very means a full answer now gives.
    full = by_place(await get_values(dataset, f"data/kpi/{KPI}/year/2020"))
    for group in (COUNTY_GROUP, ALL_KOMMUNER):
        assert changed[group] == full[group]
        assert changed[group][0]["isdeleted"] is False
    members = dataset.municipality_groups[0]["members"]
    values = [full[m["member_id"]][0]["value"] for m in members if m["member_id"] in full]
    numbers = [v for v in values if v is not None]
    assert changed[COUNTY_GROUP][0]["count"] == len(numbers)
    assert changed[COUNTY_GROUP][0]["value"] == pytest.approx(sum(numbers) / len(numbers))


async def test_a_municipality_segment_naming_the_group_answers_its_change() -> None:
    dataset = synthetic_dataset()
    dataset.set_value(KPI, KOMMUN, 2020, "T", 5000.0, changed_on=NIGHT)
    path = f"data/kpi/{KPI}/municipality/{COUNTY_GROUP},{OTHER_COUNTY_GROUP}/year/2019,2020"
    changed = by_place(await get_values(dataset, path, SINCE))
    assert list(changed) == [COUNTY_GROUP]  # not the member itself, not the other county
    [record] = await get_values(dataset, path, SINCE)
    assert record["period"] == 2020
    full = by_place(
        await get_values(dataset, f"data/kpi/{KPI}/municipality/{COUNTY_GROUP}/year/2020")
    )
    assert changed[COUNTY_GROUP] == full[COUNTY_GROUP]


async def test_only_the_genders_of_the_change_are_answered_for_a_group() -> None:
    dataset = synthetic_dataset()
    dataset.set_value(GENDERED_KPI, KOMMUN, 2020, "K", 7000.0, changed_on=NIGHT)
    changed = by_place(await get_values(dataset, f"data/kpi/{GENDERED_KPI}/year/2020", SINCE))
    assert [entry["gender"] for entry in changed[COUNTY_GROUP]] == ["K"]
    full = by_place(await get_values(dataset, f"data/kpi/{GENDERED_KPI}/year/2020"))
    [full_k] = [entry for entry in full[COUNTY_GROUP] if entry["gender"] == "K"]
    assert changed[COUNTY_GROUP] == [full_k]


def two_member_dataset() -> FakeDataset:
    """G1 = mean of A and B, where only A has a value for KPI N1 in 2020."""
    members = [
        {"member_id": "A001", "member_title": "A"},
        {"member_id": "B001", "member_title": "B"},
    ]
    return FakeDataset(
        kpis=[{"id": "N1", "is_divided_by_gender": False}],
        municipalities=[{"id": "A001", "type": "K"}, {"id": "B001", "type": "K"}],
        municipality_groups=[{"id": "G1", "title": "A and B", "members": members}],
        values=TableValues(
            {("N1", "A001", 2020): {"T": 10.0}, ("N1", "B001", 2020): {"T": None}}, set()
        ),
        years=(2020,),
    )


async def test_deleting_the_last_members_value_deletes_the_groups_value() -> None:
    dataset = two_member_dataset()
    assert (
        by_place(await get_values(dataset, "data/kpi/N1/municipality/G1/year/2020"))["G1"][0][
            "value"
        ]
        == 10.0
    )
    dataset.delete_value("N1", "A001", 2020, "T", changed_on=NIGHT)
    changed = by_place(await get_values(dataset, "data/kpi/N1/year/2020", SINCE))
    assert changed["A001"] == [
        {"gender": "T", "count": 1, "status": "", "value": None, "isdeleted": True}
    ]
    assert changed["G1"] == [
        {"gender": "T", "count": 0, "status": "", "value": None, "isdeleted": True}
    ]
    # The full answer agrees: the group has no value any more.
    assert await get_values(dataset, "data/kpi/N1/municipality/G1/year/2020") == []


async def test_a_change_leaving_other_members_values_keeps_the_group_with_their_mean() -> None:
    dataset = two_member_dataset()
    dataset.set_value("N1", "B001", 2020, "T", 30.0, changed_on=NIGHT)
    changed = by_place(await get_values(dataset, "data/kpi/N1/municipality/G1/year/2020", SINCE))
    assert changed == {
        "G1": [{"gender": "T", "count": 2, "status": "", "value": 20.0, "isdeleted": False}]
    }


async def test_nothing_changed_since_the_date_answers_empty() -> None:
    dataset = synthetic_dataset()
    assert await get_values(dataset, f"data/kpi/{KPI}/year/2020", SINCE) == []
    dataset.set_value(KPI, KOMMUN, 2020, "T", 5000.0, changed_on=date(2026, 11, 1))
    assert await get_values(dataset, f"data/kpi/{KPI}/year/2020", SINCE) == []
    # ... nor does a change of another KPI or year reach the request.
    dataset.set_value(KPI, KOMMUN, 2019, "T", 5000.0, changed_on=NIGHT)
    dataset.set_value("N90002", KOMMUN, 2020, "T", 5000.0, changed_on=NIGHT)
    assert await get_values(dataset, f"data/kpi/{KPI}/year/2020", SINCE) == []


async def test_groups_without_a_changed_member_are_not_answered() -> None:
    dataset = synthetic_dataset()
    dataset.set_value(KPI, KOMMUN, 2020, "T", 5000.0, changed_on=NIGHT)
    path = f"data/kpi/{KPI}/municipality/{OTHER_COUNTY_GROUP}/year/2020"
    assert await get_values(dataset, path, SINCE) == []
    every_place = by_place(await get_values(dataset, f"data/kpi/{KPI}/year/2020", SINCE))
    assert OTHER_COUNTY_GROUP not in every_place


async def test_after_random_changes_from_date_and_full_answers_agree() -> None:
    dataset = synthetic_dataset()
    rng = random.Random(7)
    kommuner = [m["member_id"] for m in dataset.municipality_groups[-1]["members"]]
    for _ in range(60):
        kommun, year = rng.choice(kommuner), rng.choice([2019, 2020])
        gender = rng.choice(["T", "K", "M"])
        if rng.random() < 0.3:
            dataset.delete_value(GENDERED_KPI, kommun, year, gender, changed_on=NIGHT)
        else:
            value = rng.choice([None, round(rng.uniform(1, 999), 2)])
            dataset.set_value(GENDERED_KPI, kommun, year, gender, value, changed_on=NIGHT)
    path = f"data/kpi/{GENDERED_KPI}/year/2019,2020"
    changed = await get_values(dataset, path, SINCE)
    full = {(r["municipality"], r["period"]): r["values"] for r in await get_values(dataset, path)}
    groups = [r for r in changed if r["municipality"].startswith("G")]
    assert groups
    for record in groups:
        now = {e["gender"]: e for e in full.get((record["municipality"], record["period"]), [])}
        for entry in record["values"]:
            if entry["isdeleted"]:
                assert entry["gender"] not in now
            else:
                assert now[entry["gender"]] == entry
    # Ordered like a full answer: by KPI, then place as listed, then year.
    places = dataset.municipality_ids() + dataset.group_ids()
    keys = [(places.index(r["municipality"]), r["period"]) for r in changed]
    assert keys == sorted(keys)
