"""Finding a kommun's similar-kommuner group for an area."""

from __future__ import annotations

import json

from kolada_goals.goals.similar import similar_areas, similar_group
from tests.helpers import require_samples

GROUPS = {
    "G1": "Liknande kommuner grundskola, Dorotea, 2023",
    "G2": "Liknande kommuner grundskola, Dorotea, 2024",
    "G3": "Liknande kommuner grundskola, Åsele, 2024",
    "G4": "Liknande kommuner, övergripande, Dorotea, 2025",
    "G5": "Västerbottens läns kommuner (ovägt medel)",
    "G6": "Liknande regioner socioekonomi, Region Västerbotten, 2024",
}


def test_the_newest_group_of_the_kommun_and_area() -> None:
    found = similar_group(GROUPS, "Dorotea", "grundskola")
    assert found is not None and (found.group_id, found.year) == ("G2", 2024)
    found = similar_group(GROUPS, "dorotea", "Övergripande")
    assert found is not None and found.group_id == "G4"
    assert similar_group(GROUPS, "Dorotea", "äldreomsorg") is None
    assert similar_group(GROUPS, "Vilhelmina", "grundskola") is None


def test_the_areas_kolada_has() -> None:
    assert similar_areas(GROUPS) == ["grundskola", "övergripande"]


def test_the_real_catalogue_has_every_area_for_dorotea() -> None:
    folder = require_samples() / "v3_metadata"
    groups = {
        group["id"]: group["title"]
        for group in json.loads((folder / "municipality_groups.v3.json").read_text())
    }
    areas = similar_areas(groups)
    assert {"grundskola", "äldreomsorg", "övergripande", "LSS", "IFO"} <= set(areas)
    found = similar_group(groups, "Dorotea", "grundskola")
    assert found is not None
    assert (found.group_id, found.year) == ("G35894", 2024)
