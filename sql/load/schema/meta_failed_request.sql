-- Requests that failed after every retry; their slices kept the values stored before.
-- Grain: (run_id, path).
create table if not exists meta_failed_request (
    run_id varchar not null,
    path varchar not null,
    error varchar not null,
    failed_at timestamptz not null
);

comment on table meta_failed_request is 'Requests that failed after every retry; their slices kept the values stored before. Grain: (run_id, path).';
comment on column meta_failed_request.run_id is 'The run (meta_run.run_id)';
comment on column meta_failed_request.path is 'The request''s path on the Kolada API';
comment on column meta_failed_request.error is 'Why it failed, e.g. the last HTTP error or a suspicious drop in values';
comment on column meta_failed_request.failed_at is 'When the failure was recorded';
