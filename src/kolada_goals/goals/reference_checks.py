"""Checks of the references that need more than the catalogue's ids: similar-kommuner areas,
organisational units and their references, and cost-quality pairs."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from kolada_goals.goals.catalogue import Catalogue
from kolada_goals.goals.model import Goal, GoalFile, Indicator, Reference, SimilarReference
from kolada_goals.goals.similar import similar_areas, similar_group

Report = Callable[[Sequence[object], str, str, str], None]
UNIT_REFERENCES = frozenset({"kommun", "own_units"})


def kommun_name(definition: GoalFile, catalogue: Catalogue) -> str:
    """The kommun's name as Kolada titles it (the similar groups' titles use it)."""
    known = catalogue.municipalities.get(definition.kommun)
    return known.title if known else definition.name


def check_similar(
    reference: Reference | None,
    definition: GoalFile,
    at: Sequence[object],
    catalogue: Catalogue,
    report: Report,
) -> None:
    if not isinstance(reference, SimilarReference):
        return
    name = kommun_name(definition, catalogue)
    if similar_group(catalogue.groups, name, reference.area) is None:
        areas = similar_areas(catalogue.groups)
        report(
            [*at, "area"],
            "unknown_similar_area",
            f"Kolada has no similar-kommuner group for {name} and area {reference.area!r}",
            f"use one of the areas Kolada has: {', '.join(areas)}"
            if areas
            else "the catalogue has no similar-kommuner groups: use another reference",
        )


def check_unit(
    indicator: Indicator,
    definition: GoalFile,
    at: Sequence[object],
    catalogue: Catalogue,
    report: Report,
) -> None:
    """A unit's indicator is compared with its kommun or its kommun's units, and only a
    unit's; the unit must be the kommun's (when the catalogue lists units)."""
    kind = indicator.reference.kind if indicator.reference else None
    if indicator.ou is None:
        if kind in UNIT_REFERENCES:
            report(
                [*at, "reference", "kind"],
                "unit_reference",
                f"reference {kind!r} compares an organisational unit, and the indicator names none",
                "add `ou: V...` (the unit), or use another reference",
            )
        return
    if kind is not None and kind not in UNIT_REFERENCES:
        report(
            [*at, "reference", "kind"],
            "unit_reference",
            f"a unit's indicator cannot be compared with {kind!r}",
            "use `reference: {kind: kommun}` (the kommun's value, the default) or "
            "`{kind: own_units}` (the mean of the kommun's units)",
        )
    owner = catalogue.units.get(indicator.ou)
    if catalogue.units and owner != definition.kommun:
        report(
            [*at, "ou"],
            "unknown_unit",
            f"{indicator.ou} is not a unit of kommun {definition.kommun} in Kolada's catalogue"
            + (f" (it is kommun {owner}'s)" if owner else ""),
            "look the unit up on kolada.se (Kolada's list of units of the kommun)",
        )


def check_cost_quality(goal: Goal, at: Sequence[object], report: Report) -> None:
    indicators = {indicator.id: indicator for indicator in goal.indicators}
    for position, pair in enumerate(goal.cost_quality):
        for role, indicator_id in (("quality", pair.quality), ("cost", pair.cost)):
            place = [*at, "cost_quality", position, role]
            found = indicators.get(indicator_id)
            if found is None:
                report(
                    place,
                    "cost_quality",
                    f"{indicator_id!r} is not an indicator of goal {goal.id}",
                    f"name one of {', '.join(indicators) or 'its indicators (it has none)'}",
                )
            elif found.kpi is None:
                report(
                    place,
                    "cost_quality",
                    f"{indicator_id!r} is a local measure: other kommuner have no values of it",
                    "pair two Kolada KPIs",
                )
            elif role == "quality" and found.direction not in ("higher", "lower"):
                report(
                    place,
                    "cost_quality",
                    f"the quality indicator {indicator_id!r} says not which way is better",
                    "give it `direction: higher` or `direction: lower`",
                )
        if pair.quality == pair.cost:
            report(
                [*at, "cost_quality", position],
                "cost_quality",
                "quality and cost name the same indicator",
                "pair a quality indicator with a cost indicator",
            )
