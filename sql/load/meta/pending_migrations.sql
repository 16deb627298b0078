-- Migrations (sql/migrations/<name>.sql) a database made by an earlier version still needs.
select distinct 'raw_request_id' as migration
from duckdb_columns()
where database_name = current_database() and schema_name = 'main'
  and table_name in ('raw_kpi_value', 'raw_ou_value') and column_name = 'request_url'
union all
-- raw_metadata_record without is_removed, or with it nullable (cut short before its last step).
select 'raw_metadata_versions' as migration
from duckdb_tables() as t
where t.database_name = current_database() and t.schema_name = 'main'
  and t.table_name = 'raw_metadata_record'
  and not exists (
      select 1
      from duckdb_columns() as c
      where c.database_name = t.database_name and c.schema_name = 'main'
        and c.table_name = 'raw_metadata_record' and c.column_name = 'is_removed'
        and not c.is_nullable
  )
