-- One row per pipeline run: the run manifest. A run that never finished (killed) stays
-- 'running' until the next run marks it 'abandoned'. Grain: run_id.
create table if not exists meta_run (
    run_id varchar primary key,
    started_at timestamptz not null,
    finished_at timestamptz,
    mode varchar not null,            -- 'full' or 'incremental'
    base_url varchar not null,
    status varchar not null,          -- 'running', 'succeeded', 'failed', 'abandoned'
    requests integer,                 -- HTTP requests sent, retries included
    retries integer,
    pages integer,
    records integer,
    new_values integer,               -- values seen for the first time
    revised_values integer,           -- values Kolada changed since an earlier run
    withdrawn_values integer,         -- values Kolada no longer shows
    failed_requests integer,
    row_counts json,                  -- rows per table when the run ended
    error varchar
);
