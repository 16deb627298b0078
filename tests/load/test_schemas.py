from kolada_goals.load.schemas import CORE_TABLE_MODELS
from kolada_goals.warehouse import apply_schema, connect


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
