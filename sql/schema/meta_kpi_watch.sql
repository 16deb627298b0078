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
