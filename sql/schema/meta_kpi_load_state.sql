-- When each KPI's values were last loaded in full and at all, and for which scope (years and
-- municipalities). A KPI whose scope changed, or whose last full load is too old, is loaded
-- in full again; the others incrementally with from_date. Grain: kpi_id.
create table if not exists meta_kpi_load_state (
    kpi_id varchar primary key,
    scope_hash varchar not null,
    last_full_at timestamptz not null,
    last_loaded_at timestamptz not null
);
