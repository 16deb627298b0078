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

comment on table meta_kpi_watch_change is 'Changes of watched KPIs since the previous check: removed, returned, retitled, redescribed, new publication dates. Grain: (run_id, kpi_id, field).';
comment on column meta_kpi_watch_change.run_id is 'The run that saw the change (meta_run.run_id)';
comment on column meta_kpi_watch_change.kpi_id is 'The watched KPI';
comment on column meta_kpi_watch_change.field is 'What changed: exists, title, description, prel_publication_date, publication_date or publ_period';
comment on column meta_kpi_watch_change.old_value is 'The value at the previous check, as text';
comment on column meta_kpi_watch_change.new_value is 'The value at this check, as text';
