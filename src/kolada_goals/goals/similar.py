"""Kolada's similar-kommuner groups ("Liknande kommuner grundskola, Dorotea, 2024"): which
group a `{kind: similar, area: ...}` reference stands for."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

# "Liknande kommuner <area>, <kommun>, <year>" and "Liknande kommuner, övergripande, ...".
SIMILAR_GROUP_TITLE = re.compile(
    r"^Liknande kommuner,? (?P<area>[^,]+), (?P<kommun>[^,]+), (?P<year>\d{4})$"
)


@dataclass(frozen=True, order=True)
class SimilarGroup:
    year: int
    group_id: str
    title: str
    area: str
    kommun_name: str


def similar_groups(groups: Mapping[str, str]) -> list[SimilarGroup]:
    """Every similar-kommuner group among `groups` (id -> title)."""
    found = []
    for group_id, title in groups.items():
        match = SIMILAR_GROUP_TITLE.match(title.strip())
        if match:
            found.append(
                SimilarGroup(
                    int(match["year"]), group_id, title, match["area"].strip(),
                    match["kommun"].strip(),
                )
            )  # fmt: skip
    return found


def similar_areas(groups: Mapping[str, str]) -> list[str]:
    """The areas Kolada has similar-kommuner groups for, in alphabetical order."""
    return sorted({group.area for group in similar_groups(groups)}, key=str.casefold)


def similar_group(groups: Mapping[str, str], kommun_name: str, area: str) -> SimilarGroup | None:
    """The kommun's group for the area, the newest year (areas and names compared without
    case); None when Kolada has none."""
    wanted_area, wanted_kommun = area.strip().casefold(), kommun_name.strip().casefold()
    matching = [
        group
        for group in similar_groups(groups)
        if group.area.casefold() == wanted_area and group.kommun_name.casefold() == wanted_kommun
    ]
    return max(matching, default=None)
