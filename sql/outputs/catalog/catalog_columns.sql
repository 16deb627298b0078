-- Every column of every table and view of the database with its type and comment
-- (COMMENT ON), in table order, for the table catalogue (docs/catalog.md).
select table_name, column_name, data_type, comment
from duckdb_columns()
where database_name = current_database() and schema_name = 'main' and not internal
order by table_name, column_index
