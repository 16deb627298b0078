-- Requests that failed after every retry; their slices kept the values stored before.
-- Grain: (run_id, path).
create table if not exists meta_failed_request (
    run_id varchar not null,
    path varchar not null,
    error varchar not null,
    failed_at timestamptz not null default current_timestamp
);
