-- Every metadata record exactly as Kolada sent it. Grain: (run_id, entity, record_index).
create table if not exists raw_metadata_record (
    run_id varchar not null,
    entity varchar not null,
    request_url varchar not null,
    fetched_at timestamptz not null,
    record_index integer not null,
    record json not null
);
