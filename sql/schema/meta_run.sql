-- One row per pipeline run: the run manifest. Grain: run_id.
create table if not exists meta_run (
    run_id varchar primary key,
    started_at timestamptz not null,
    finished_at timestamptz,
    mode varchar not null,            -- 'full' or 'incremental'
    base_url varchar not null,
    status varchar not null,          -- 'running', 'succeeded', 'failed'
    requests integer,
    retries integer,
    pages integer,
    records integer,
    error varchar
);
