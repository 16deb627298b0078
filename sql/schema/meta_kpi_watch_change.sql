-- Changes of watched KPIs since the previous check: removed, returned, retitled, redescribed,
-- new publication dates. Grain: (run_id, kpi_id, field).
create table if not exists meta_kpi_watch_change (
    run_id varchar not null,
    kpi_id varchar not null,
    field varchar not null,
    old_value varchar,
    new_value varchar,
    primary key (run_id, kpi_id, field)
);
