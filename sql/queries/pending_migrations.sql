-- Migrations (sql/migrations/<name>.sql) a database made by an earlier version still needs.
select distinct 'raw_request_id' as migration
from duckdb_columns()
where database_name = current_database() and schema_name = 'main'
  and table_name in ('raw_kpi_value', 'raw_ou_value') and column_name = 'request_url'
