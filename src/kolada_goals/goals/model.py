"""The goal-definition file format (docs/goal-definitions.md) as pydantic models.

The models check form only; checks against Kolada's catalogue and across the tree are in
kolada_goals.goals.validate.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kolada_goals.ids import KPI_ID, MUNICIPALITY_GROUP_ID, MUNICIPALITY_ID, whole

KommunId = Annotated[
    str, Field(pattern=whole(MUNICIPALITY_ID), description="kommunkod, 4 digits, quoted")
]
KpiId = Annotated[str, Field(pattern=whole(KPI_ID), description="Kolada KPI id, e.g. N15428")]
GroupId = Annotated[
    str, Field(pattern=whole(MUNICIPALITY_GROUP_ID), description="Kolada municipality group id")
]
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


Reference = Annotated[
    CountyReference
    | RiketReference
    | AllKommunerReference
    | GroupReference
    | KommunerReference
    | OwnTrendReference,
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
        return self

    def forecast(self, year: int) -> Forecast:
        given = self.forecasts[year]
        return given if isinstance(given, Forecast) else Forecast(value=given)


class Goal(Strict):
    id: Identifier
    title: str = Field(min_length=1)
    level: str | None = None
    parent: Identifier | None = None
    owner: str | None = None
    description: str | None = None
    mandate: Mandate | None = None
    indicators: list[Indicator] = Field(default_factory=list)


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
