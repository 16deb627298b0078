"""The goal-definition file format (docs/goal-definitions.md) as pydantic models.

The models check form only; checks against Kolada's catalogue and across the tree are in
kolada_goals.goals.validate.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kolada_goals.ids import KPI_ID, MUNICIPALITY_GROUP_ID, MUNICIPALITY_ID, OU_ID, whole

KommunId = Annotated[
    str, Field(pattern=whole(MUNICIPALITY_ID), description="kommunkod, 4 digits, quoted")
]
KpiId = Annotated[str, Field(pattern=whole(KPI_ID), description="Kolada KPI id, e.g. N15428")]
GroupId = Annotated[
    str, Field(pattern=whole(MUNICIPALITY_GROUP_ID), description="Kolada municipality group id")
]
OuId = Annotated[str, Field(pattern=whole(OU_ID), description="Kolada unit id, e.g. V15E17181067")]
YEAR_RANGE = (1970, 2100)  # first and last year a file may name
Year = Annotated[int, Field(ge=YEAR_RANGE[0], le=YEAR_RANGE[1])]
Identifier = Annotated[str, Field(pattern=r"^[\w.\-]+$", min_length=1, max_length=80)]
Gender = Literal["T", "K", "M"]
Direction = Literal["higher", "lower", "neutral"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Mandate(Strict):
    first_year: Year
    last_year: Year

    @model_validator(mode="after")
    def _ordered(self) -> Mandate:
        if self.first_year > self.last_year:
            raise ValueError("first_year is after last_year")
        return self

    def covers(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year


class CountyReference(Strict):
    kind: Literal["county"] = "county"


class RiketReference(Strict):
    kind: Literal["riket"]


class AllKommunerReference(Strict):
    kind: Literal["all_kommuner"]


class GroupReference(Strict):
    kind: Literal["group"]
    group: GroupId


class KommunerReference(Strict):
    kind: Literal["kommuner"]
    kommuner: list[KommunId] = Field(min_length=1)


class OwnTrendReference(Strict):
    kind: Literal["own_trend"]
    years: int = Field(default=3, ge=1, le=20)


class SimilarReference(Strict):
    """Kolada's "Liknande kommuner, <area>, <kommun>, <year>" group of the kommun, the newest
    year; `area` as Kolada names it, e.g. grundskola, äldreomsorg, övergripande."""

    kind: Literal["similar"]
    area: str = Field(min_length=1, max_length=80)


class KommunValueReference(Strict):
    """For an indicator of an organisational unit: the kommun's own value for the KPI."""

    kind: Literal["kommun"]


class OwnUnitsReference(Strict):
    """For an indicator of an organisational unit: the mean of the kommun's units with a value
    for the KPI."""

    kind: Literal["own_units"]


Reference = Annotated[
    CountyReference
    | RiketReference
    | AllKommunerReference
    | GroupReference
    | KommunerReference
    | OwnTrendReference
    | SimilarReference
    | KommunValueReference
    | OwnUnitsReference,
    Field(discriminator="kind"),
]


class Tolerance(Strict):
    kind: Literal["relative", "absolute"] = "relative"
    value: float = Field(default=10.0, ge=0)


class DoroteaRule(Strict):
    """Green at/better than the reference or target reached; yellow within the tolerance."""

    kind: Literal["dorotea"] = "dorotea"
    tolerance: Tolerance = Tolerance()
    min_reference_count: int = Field(default=3, ge=1)


class TargetOnlyRule(Strict):
    kind: Literal["target_only"]


class TrendRule(Strict):
    kind: Literal["trend"]
    threshold_pct: float = Field(default=1.0, ge=0)


class QuartileRule(Strict):
    kind: Literal["quartile"]


class MonitorRule(Strict):
    kind: Literal["monitor"]


Rule = Annotated[
    DoroteaRule | TargetOnlyRule | TrendRule | QuartileRule | MonitorRule,
    Field(discriminator="kind"),
]

RULES_WITHOUT_DIRECTION = frozenset({"monitor"})
RULES_ALLOWING_NEUTRAL = frozenset({"monitor", "target_only"})


class Forecast(Strict):
    value: float
    note: str | None = None


class LocalMeasure(Strict):
    unit: str = Field(min_length=1)
    values: dict[Year, float | None] | None = None
    csv: str | None = Field(
        default=None, description="CSV beside the file: indicator_id,period,value"
    )


class Indicator(Strict):
    id: Identifier
    kpi: KpiId | None = None
    ou: OuId | None = Field(
        default=None, description="An organisational unit (a school, an äldreboende) whose "
        "values the KPI is followed for, instead of the kommun's"
    )  # fmt: skip
    local: LocalMeasure | None = None
    title: str | None = None
    gender: Gender | None = None
    direction: Direction | None = None
    targets: dict[Year, float] = Field(default_factory=dict)
    reference: Reference | None = None
    rule: Rule | None = None
    forecasts: dict[Year, float | Forecast] = Field(default_factory=dict)
    motivation: str | None = None
    example: bool = False

    @model_validator(mode="after")
    def _one_source(self) -> Indicator:
        if (self.kpi is None) == (self.local is None):
            raise ValueError("give exactly one of `kpi` (a Kolada KPI) or `local` (own measure)")
        if self.local is not None and self.title is None:
            raise ValueError("a local measure needs a `title`")
        if self.ou is not None and self.kpi is None:
            raise ValueError("`ou` needs a `kpi`: a unit's values are a Kolada KPI's")
        return self

    def forecast(self, year: int) -> Forecast:
        given = self.forecasts[year]
        return given if isinstance(given, Forecast) else Forecast(value=given)


class CostQuality(Strict):
    """A quality indicator set against a cost indicator among the reference's kommuner."""

    quality: Identifier
    cost: Identifier
    reference: Reference | None = Field(
        default=None, description="The kommuner to compare with; default: the quality "
        "indicator's reference (riket: all kommuner; own_trend: the county)"
    )  # fmt: skip


def _one_pair_or_a_list(schema: dict[str, Any]) -> None:
    """The schema of cost_quality as files may write it: one pair, or a list of them."""
    pairs = schema["properties"]["cost_quality"]
    listed = {key: pairs.pop(key) for key in ("type", "items")}
    pairs["anyOf"] = [listed["items"], listed]


class Goal(Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra=_one_pair_or_a_list)

    id: Identifier
    title: str = Field(min_length=1)
    level: str | None = None
    parent: Identifier | None = None
    owner: str | None = None
    description: str | None = None
    mandate: Mandate | None = None
    indicators: list[Indicator] = Field(default_factory=list)
    cost_quality: list[CostQuality] = Field(
        default_factory=list, description="Quality against cost: {quality: ID, cost: ID} or "
        "a list of them; the ids are indicators of this goal"
    )  # fmt: skip

    @field_validator("cost_quality", mode="before")
    @classmethod
    def _one_or_more_pairs(cls, value: object) -> object:
        return [value] if isinstance(value, dict) else value


class Defaults(Strict):
    gender: Gender = "T"
    reference: Reference = CountyReference()
    rule: Rule = DoroteaRule()


class Rollup(Strict):
    """majority: the most common status among assessed children (a tie goes to the worse);
    worst: the worst assessed child. Grey children never vote."""

    method: Literal["majority", "worst"] = "majority"


class GoalFile(Strict):
    """One kommun's vision, goal tree and indicators."""

    format: Literal[1]
    kommun: KommunId
    name: str = Field(min_length=1)
    source: str | None = None
    note: str | None = None
    vision: str = Field(min_length=1)
    vision_year: Year | None = None
    mandate: Mandate
    levels: list[str] | None = None
    defaults: Defaults = Defaults()
    rollup: Rollup = Rollup()
    goals: list[Goal] = Field(min_length=1)

    @field_validator("levels")
    @classmethod
    def _distinct_levels(cls, levels: list[str] | None) -> list[str] | None:
        if levels is not None and len(set(levels)) != len(levels):
            raise ValueError("level names repeat")
        return levels


def json_schema() -> dict[str, object]:
    schema = GoalFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "kolada-goals goal definitions"
    return schema
