-- One row per pipeline run: the run manifest. A run that never finished (killed) stays
-- 'running' until the next run marks it 'abandoned'. Grain: run_id.
create table if not exists meta_run (
    run_id varchar primary key,
    started_at timestamptz not null,
    finished_at timestamptz,
    mode varchar not null,            -- 'full', 'incremental', 'metadata' or 'rebuild'
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

comment on table meta_run is 'One row per pipeline run: the run manifest. A run that never finished (killed) stays ''running'' until the next run marks it ''abandoned''. Grain: run_id.';
comment on column meta_run.run_id is 'Id of the run';
comment on column meta_run.started_at is 'When the run started';
comment on column meta_run.finished_at is 'When the run finished; null while running or when killed';
comment on column meta_run.mode is '''full'' or ''incremental'' (''metadata'' when the run loaded no values, ''rebuild'' for kolada-goals rebuild --from-raw)';
comment on column meta_run.base_url is 'The Kolada API the run fetched from';
comment on column meta_run.status is '''running'', ''succeeded'', ''failed'', ''abandoned''';
comment on column meta_run.requests is 'HTTP requests sent, retries included';
comment on column meta_run.retries is 'HTTP requests retried';
comment on column meta_run.pages is 'Pages accepted';
comment on column meta_run.records is 'Records received on the accepted pages';
comment on column meta_run.new_values is 'Values seen for the first time';
comment on column meta_run.revised_values is 'Values Kolada changed since an earlier run';
comment on column meta_run.withdrawn_values is 'Values Kolada no longer shows';
comment on column meta_run.failed_requests is 'Requests that failed after every retry (meta_failed_request)';
comment on column meta_run.row_counts is 'Rows per table when the run ended';
comment on column meta_run.error is 'The error that failed the run; null when it succeeded';
