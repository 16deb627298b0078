import pandera.polars as pa
import polars as pl
import pytest

from kolada_goals.load.schemas import (
    CORE_TABLE_MODELS,
    MunicipalityGroupMembership,
    grain,
    polars_schema,
)
from kolada_goals.warehouse import apply_schema, connect

# The types the frame builders of load/metadata.py give their frames.
FRAME_TYPES: dict[str, dict[str, type[pl.DataType]]] = {
    "core_kpi": {
        "kpi_id": pl.String,
        "title": pl.String,
        "description": pl.String,
        "is_divided_by_gender": pl.Boolean,
        "municipality_type": pl.String,
        "auspice": pl.String,
        "operating_area": pl.String,
        "perspective": pl.String,
        "prel_publication_date": pl.Date,
        "publication_date": pl.Date,
        "publ_period": pl.String,
        "has_ou_data": pl.Boolean,
    },
    "core_kpi_group": {"kpi_group_id": pl.String, "title": pl.String},
    "core_kpi_group_member": {
        "kpi_group_id": pl.String,
        "kpi_id": pl.String,
        "member_title": pl.String,
    },
    "core_municipality": {
        "municipality_id": pl.String,
        "title": pl.String,
        "municipality_type": pl.String,
    },
    "core_municipality_group": {"group_id": pl.String, "title": pl.String},
    "core_ou": {"ou_id": pl.String, "municipality_id": pl.String, "title": pl.String},
}


def test_every_model_names_the_columns_of_its_table_in_order() -> None:
    con = connect()
    apply_schema(con)
    for table, model in CORE_TABLE_MODELS.items():
        columns = [
            row[0]
            for row in con.execute(
                "select column_name from duckdb_columns() where table_name = ? "
                "order by column_index",
                [table],
            ).fetchall()
        ]
        assert columns == list(model.to_schema().columns), table


@pytest.mark.parametrize("table", sorted(CORE_TABLE_MODELS))
def test_the_polars_schema_of_a_model_is_the_frame_types_in_order(table: str) -> None:
    assert list(polars_schema(CORE_TABLE_MODELS[table]).items()) == list(FRAME_TYPES[table].items())


def test_the_membership_frame_types_come_from_its_model() -> None:
    assert list(polars_schema(MunicipalityGroupMembership).items()) == [
        ("group_id", pl.String),
        ("member_id", pl.String),
        ("member_title", pl.String),
    ]


def test_a_declared_polars_type_is_kept_and_a_frame_built_with_the_schema_validates() -> None:
    class Counted(pa.DataFrameModel):
        rows: pl.Int32
        total: int

    schema = polars_schema(Counted)
    assert list(schema.items()) == [("rows", pl.Int32), ("total", pl.Int64)]
    Counted.validate(pl.DataFrame([{"rows": 1, "total": 2}], schema=schema))


def test_the_grain_of_every_model_is_the_primary_key_of_its_table() -> None:
    con = connect()
    apply_schema(con)
    primary_keys = dict(
        con.execute(
            "select table_name, constraint_column_names from duckdb_constraints() "
            "where constraint_type = 'PRIMARY KEY'"
        ).fetchall()
    )
    for table, model in CORE_TABLE_MODELS.items():
        if table in primary_keys:  # core_kpi_group_member has none; a data test checks it
            assert grain(model) == tuple(primary_keys[table]), table


def test_a_model_with_two_unique_keys_has_no_grain() -> None:
    class TwoKeys(pa.DataFrameModel):
        code: str = pa.Field(unique=True)
        name: str = pa.Field(unique=True)

    with pytest.raises(ValueError, match="2 unique keys"):
        grain(TwoKeys)
