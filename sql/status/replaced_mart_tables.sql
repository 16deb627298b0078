-- Tables of earlier versions that are views now, or gone: build_marts drops them first, since
-- a view cannot replace a table of the same name.
select table_name
from duckdb_tables()
where database_name = current_database() and schema_name = 'main' and not temporary
  and table_name in ('mart_indicator_fact', 'mart_indicator_status', 'mart_indicator_report')
