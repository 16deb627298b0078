-- Migrations (sql/migrations/<name>.sql) a database made by an earlier version still needs,
-- in the order they must run.
with
raw_request_id as (
    select distinct 1 as position, 'raw_request_id' as migration
    from duckdb_columns()
    where database_name = current_database() and schema_name = 'main'
      and table_name in ('raw_kpi_value', 'raw_ou_value') and column_name = 'request_url'
),

-- raw_metadata_record without is_removed, or with it nullable (cut short before its last step).
raw_metadata_versions as (
    select 2 as position, 'raw_metadata_versions' as migration
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
),

-- Pages still in raw_request (it had page_url then), or raw_page cut short before its body.
raw_pages as (
    select 3 as position, 'raw_pages' as migration
    where exists (
        select 1
        from duckdb_columns()
        where database_name = current_database() and schema_name = 'main'
          and table_name = 'raw_request' and column_name = 'page_url'
    )
    or (
        exists (
            select 1
            from duckdb_tables()
            where database_name = current_database() and schema_name = 'main'
              and table_name = 'raw_page'
        )
        and not exists (
            select 1
            from duckdb_columns()
            where database_name = current_database() and schema_name = 'main'
              and table_name = 'raw_page' and column_name = 'body'
        )
    )
),

-- goal_indicator without ou_id.
goal_indicator_units as (
    select 4 as position, 'goal_indicator_units' as migration
    from duckdb_tables() as t
    where t.database_name = current_database() and t.schema_name = 'main'
      and t.table_name = 'goal_indicator'
      and not exists (
          select 1
          from duckdb_columns() as c
          where c.database_name = t.database_name and c.schema_name = 'main'
            and c.table_name = 'goal_indicator' and c.column_name = 'ou_id'
      )
),

final as (
    select * from raw_request_id
    union all
    select * from raw_metadata_versions
    union all
    select * from raw_pages
    union all
    select * from goal_indicator_units
)

select migration from final order by position
