-- What each run saw of every KPI named in a goal definition. Grain: (run_id, kpi_id).
create table if not exists meta_kpi_watch (
    run_id varchar not null,
    kpi_id varchar not null,
    checked_at timestamptz not null,
    kpi_exists boolean not null,
    title varchar,
    description varchar,
    prel_publication_date date,
    publication_date date,
    publ_period varchar,
    primary key (run_id, kpi_id)
);

comment on table meta_kpi_watch is 'What each run saw of every KPI named in a goal definition. Grain: (run_id, kpi_id).';
comment on column meta_kpi_watch.run_id is 'The run that checked (meta_run.run_id)';
comment on column meta_kpi_watch.kpi_id is 'A KPI named in a goal definition';
comment on column meta_kpi_watch.checked_at is 'When the run checked';
comment on column meta_kpi_watch.kpi_exists is 'The KPI was in Kolada''s catalogue (core_kpi) at the check';
comment on column meta_kpi_watch.title is 'The KPI''s title at the check';
comment on column meta_kpi_watch.description is 'The KPI''s description at the check';
comment on column meta_kpi_watch.prel_publication_date is 'Preliminary publication date (core_kpi) at the check';
comment on column meta_kpi_watch.publication_date is 'Publication date (core_kpi) at the check';
comment on column meta_kpi_watch.publ_period is 'The period the publication dates refer to (core_kpi) at the check';
