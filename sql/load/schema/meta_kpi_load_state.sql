-- When each KPI's values were last loaded in full and at all, and for which scope (years and
-- municipalities). A KPI whose scope changed, or whose last full load is too old, is loaded
-- in full again; the others incrementally with from_date. Grain: kpi_id.
create table if not exists meta_kpi_load_state (
    kpi_id varchar primary key,
    scope_hash varchar not null,
    last_full_at timestamptz not null,
    last_loaded_at timestamptz not null
);

comment on table meta_kpi_load_state is 'When each KPI''s values were last loaded in full and at all, and for which scope (years and municipalities). A KPI whose scope changed, or whose last full load is too old, is loaded in full again; the others incrementally with from_date. Grain: kpi_id.';
comment on column meta_kpi_load_state.kpi_id is 'Kolada KPI id (core_kpi.kpi_id)';
comment on column meta_kpi_load_state.scope_hash is 'Hash of the years and municipality ids the KPI was last loaded for';
comment on column meta_kpi_load_state.last_full_at is 'When the KPI was last loaded in full';
comment on column meta_kpi_load_state.last_loaded_at is 'When the KPI was last loaded, in full or incrementally';
