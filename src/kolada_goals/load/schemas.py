"""pandera models of the core tables: what a row must look like before it is stored.

One model per table in sql/load/schema/; a test checks that the models and the DDL name the
same columns. `validate_frame` reports every failing row at once, naming the URL. The frames'
polars types (`polars_schema`), each table's grain (`grain`) and its id forms (`id_patterns`)
are read from the models, so that they are written once.
"""

from __future__ import annotations

from datetime import date

import pandera.polars as pa
import polars as pl
from pandera.errors import SchemaErrors

from kolada_goals.errors import KoladaError
from kolada_goals.ids import (
    KPI_GROUP_ID,
    KPI_ID,
    MUNICIPALITY_GROUP_ID,
    MUNICIPALITY_ID,
    OU_ID,
    whole,
)

KPI_ID_PATTERN = whole(KPI_ID)
MUNICIPALITY_ID_PATTERN = whole(MUNICIPALITY_ID)
GROUP_ID_PATTERN = whole(MUNICIPALITY_GROUP_ID)
KPI_GROUP_ID_PATTERN = whole(KPI_GROUP_ID)  # GKPI118, G2KPI110397
OU_ID_PATTERN = whole(OU_ID)


class CoreKpi(pa.DataFrameModel):
    kpi_id: str = pa.Field(str_matches=KPI_ID_PATTERN, unique=True)
    title: str
    description: str = pa.Field(nullable=True)
    is_divided_by_gender: bool
    municipality_type: str = pa.Field(isin=["K", "L", "A"])
    auspice: str = pa.Field(nullable=True)
    operating_area: str = pa.Field(nullable=True)
    perspective: str = pa.Field(nullable=True)
    prel_publication_date: date = pa.Field(nullable=True)
    publication_date: date = pa.Field(nullable=True)
    publ_period: str = pa.Field(nullable=True)
    has_ou_data: bool

    class Config:
        strict = True


class CoreKpiGroup(pa.DataFrameModel):
    kpi_group_id: str = pa.Field(str_matches=KPI_GROUP_ID_PATTERN, unique=True)
    title: str

    class Config:
        strict = True


class CoreKpiGroupMember(pa.DataFrameModel):
    kpi_group_id: str = pa.Field(str_matches=KPI_GROUP_ID_PATTERN)
    kpi_id: str = pa.Field(str_matches=KPI_ID_PATTERN)
    member_title: str = pa.Field(nullable=True)

    class Config:
        strict = True
        unique = ["kpi_group_id", "kpi_id"]


class CoreMunicipality(pa.DataFrameModel):
    municipality_id: str = pa.Field(str_matches=MUNICIPALITY_ID_PATTERN, unique=True)
    title: str
    municipality_type: str = pa.Field(isin=["K", "L"])

    class Config:
        strict = True


class CoreMunicipalityGroup(pa.DataFrameModel):
    group_id: str = pa.Field(str_matches=GROUP_ID_PATTERN, unique=True)
    title: str

    class Config:
        strict = True


class MunicipalityGroupMembership(pa.DataFrameModel):
    """The membership as fetched; core_municipality_group_member adds its validity."""

    group_id: str = pa.Field(str_matches=GROUP_ID_PATTERN)
    member_id: str = pa.Field(str_matches=MUNICIPALITY_ID_PATTERN)
    member_title: str = pa.Field(nullable=True)

    class Config:
        strict = True
        unique = ["group_id", "member_id"]


class CoreOu(pa.DataFrameModel):
    ou_id: str = pa.Field(str_matches=OU_ID_PATTERN, unique=True)
    municipality_id: str = pa.Field(str_matches=MUNICIPALITY_ID_PATTERN)
    title: str

    class Config:
        strict = True


CORE_TABLE_MODELS: dict[str, type[pa.DataFrameModel]] = {
    "core_kpi": CoreKpi,
    "core_kpi_group": CoreKpiGroup,
    "core_kpi_group_member": CoreKpiGroupMember,
    "core_municipality": CoreMunicipality,
    "core_municipality_group": CoreMunicipalityGroup,
    "core_ou": CoreOu,
}


def polars_schema(model: type[pa.DataFrameModel]) -> pl.Schema:
    """The polars type of each of the model's columns, in its order: the schema to build the
    model's frame with. The types are pandera's for the annotations (`int` is Int64; annotate
    `pl.Int32` for Int32), so a frame built with them passes the model's type checks."""
    return pl.Schema(
        {name: column.dtype.type for name, column in model.to_schema().columns.items()}
    )


def grain(model: type[pa.DataFrameModel]) -> tuple[str, ...]:
    """The columns that name one row: the model's Config.unique, or its one unique column."""
    schema = model.to_schema()
    keys = [tuple(schema.unique)] if schema.unique else []
    keys += [(name,) for name, column in schema.columns.items() if column.unique]
    if len(keys) != 1:
        raise ValueError(f"{model.__name__} declares {len(keys)} unique keys, not one grain")
    return keys[0]


def id_patterns(model: type[pa.DataFrameModel]) -> dict[str, str]:
    """The columns that hold an id of a Kolada form (str_matches), each with its anchored
    pattern."""
    return {
        name: str(check.statistics["pattern"])
        for name, column in model.to_schema().columns.items()
        for check in column.checks
        if check.name == "str_matches"
    }


class SchemaViolation(KoladaError):
    """Rows that break a core table's model; lists every failure (at most 20 shown)."""


def validate_frame(model: type[pa.DataFrameModel], frame: pl.DataFrame, url: str) -> pl.DataFrame:
    try:
        return model.validate(frame, lazy=True)
    except SchemaErrors as errors:
        cases = errors.failure_cases
        lines = [
            f"row {row['index']}: column {row['column']!r} fails {row['check']} "
            f"(value {row['failure_case']!r})"
            for row in cases.head(20).iter_rows(named=True)
        ]
        more = f"\n  … and {cases.height - 20} more" if cases.height > 20 else ""
        raise SchemaViolation(
            f"{model.__name__}: {cases.height} failing check(s):\n  " + "\n  ".join(lines) + more,
            url,
        ) from errors
