-- Requests that failed after every retry; their slices kept the values stored before.
-- Grain: (run_id, path).
create table if not exists meta_failed_request (
    run_id varchar not null,
    path varchar not null,
    error varchar not null,
    failed_at timestamptz not null default current_timestamp
);

-- No COMMENT ON COLUMN here: DuckDB 1.5.6 cannot replay one from the WAL for a table with a
-- function default (failed_at), so a process killed before the next checkpoint would leave
-- a database that no longer opens. The columns are described in the table comment instead.
comment on table meta_failed_request is 'Requests that failed after every retry; their slices kept the values stored before. Grain: (run_id, path). Columns: run_id, the run (meta_run.run_id); path, the request''s path on the Kolada API; error, why it failed, e.g. the last HTTP error or a suspicious drop in values; failed_at, when the failure was recorded.';
