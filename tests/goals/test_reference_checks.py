"""Similar-kommuner areas, organisational units and cost-quality pairs, as validation checks
them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kolada_goals.goals.catalogue import Catalogue, KpiFacts, Municipality
from kolada_goals.goals.validate import validate_goal_document

CATALOGUE = Catalogue(
    kpis={
        "N15419": KpiFacts("Elever i åk 9 som uppnått betygskriterierna, andel (%)", True, "K"),
        "N15027": KpiFacts("Kostnad grundskola, kr/elev", False, "K"),
    },
    municipalities={"2425": Municipality("Dorotea", "K"), "2462": Municipality("Vilhelmina", "K")},
    groups={
        "G35894": "Liknande kommuner grundskola, Dorotea, 2024",
        "G35893": "Liknande kommuner grundskola, Dorotea, 2023",
        "G176514": "Liknande kommuner äldreomsorg, Dorotea, 2024",
        "G35900": "Liknande kommuner grundskola, Vilhelmina, 2024",
    },
    units={"V15E17181067": "2425", "V15E999": "2462"},
)
PATH = Path("2425-dorotea.yaml")


def document(**indicator: Any) -> dict[str, Any]:
    """Dorotea with one goal of two indicators; `indicator` sets the first one's keys."""
    return {
        "format": 1, "kommun": "2425", "name": "Dorotea", "vision": "V",
        "mandate": {"first_year": 2023, "last_year": 2026},
        "goals": [{
            "id": "G1", "title": "Skolan",
            "indicators": [
                {"id": "betyg", "kpi": "N15419", "direction": "higher", **indicator},
                {"id": "kostnad", "kpi": "N15027", "direction": "lower"},
            ],
        }],
    }  # fmt: skip


def problems(data: dict[str, Any]) -> list[tuple[str, tuple[object, ...]]]:
    result = validate_goal_document(data, CATALOGUE, PATH)
    return [(problem.code, problem.at) for problem in result.problems]


def test_a_similar_area_the_kommun_has_is_valid() -> None:
    assert problems(document(reference={"kind": "similar", "area": "Grundskola"})) == []


def test_an_area_kolada_lacks_names_the_areas_it_has() -> None:
    data = document(reference={"kind": "similar", "area": "bibliotek"})
    result = validate_goal_document(data, CATALOGUE, PATH)
    (problem,) = result.problems
    assert problem.code == "unknown_similar_area"
    assert problem.at == ("goals", 0, "indicators", 0, "reference", "area")
    assert "grundskola, äldreomsorg" in problem.fix


def test_a_unit_is_compared_with_its_kommun_or_its_units() -> None:
    assert problems(document(ou="V15E17181067")) == []
    assert problems(document(ou="V15E17181067", reference={"kind": "own_units"})) == []
    assert problems(document(ou="V15E17181067", reference={"kind": "county"})) == [
        ("unit_reference", ("goals", 0, "indicators", 0, "reference", "kind"))
    ]
    assert problems(document(reference={"kind": "kommun"})) == [
        ("unit_reference", ("goals", 0, "indicators", 0, "reference", "kind"))
    ]


@pytest.mark.parametrize("unit", ["V15E999", "V15E123"])
def test_a_unit_of_another_kommun_or_none_is_refused(unit: str) -> None:
    assert problems(document(ou=unit)) == [("unknown_unit", ("goals", 0, "indicators", 0, "ou"))]


def test_cost_quality_names_two_kpi_indicators_of_the_goal() -> None:
    data = document()
    data["goals"][0]["cost_quality"] = {"quality": "betyg", "cost": "kostnad"}
    assert problems(data) == []
    data["goals"][0]["cost_quality"] = [
        {"quality": "betyg", "cost": "saknas"},
        {"quality": "kostnad", "cost": "kostnad"},
    ]
    assert problems(data) == [
        ("cost_quality", ("goals", 0, "cost_quality", 0, "cost")),
        ("cost_quality", ("goals", 0, "cost_quality", 1)),
    ]


def test_a_quality_indicator_needs_a_direction() -> None:
    data = document(direction="neutral", rule={"kind": "monitor"})
    data["goals"][0]["cost_quality"] = {"quality": "betyg", "cost": "kostnad"}
    assert problems(data) == [("cost_quality", ("goals", 0, "cost_quality", 0, "quality"))]


def test_a_pair_may_name_its_own_kommuner() -> None:
    data = document()
    data["goals"][0]["cost_quality"] = {
        "quality": "betyg", "cost": "kostnad", "reference": {"kind": "similar", "area": "IFO"},
    }  # fmt: skip
    assert problems(data) == [
        ("unknown_similar_area", ("goals", 0, "cost_quality", 0, "reference", "area"))
    ]
