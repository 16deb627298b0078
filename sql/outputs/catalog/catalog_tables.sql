-- Every table, view and table macro of the database with its comment (COMMENT ON), for the
-- table catalogue (docs/catalog.md). kind: table, view or table macro.
select table_name as name, 'table' as kind, comment
from duckdb_tables()
where database_name = current_database() and schema_name = 'main'
  and not internal and not temporary
union all
select view_name, 'view', comment
from duckdb_views()
where database_name = current_database() and schema_name = 'main'
  and not internal and not temporary
union all
select distinct function_name, 'table macro', comment
from duckdb_functions()
where database_name = current_database() and schema_name = 'main'
  and not internal and function_type = 'table_macro'
order by name
