-- Every metadata record exactly as Kolada sent it. Grain: (run_id, entity, record_index).
create table if not exists raw_metadata_record (
    run_id varchar not null,
    entity varchar not null,
    request_url varchar not null,
    fetched_at timestamptz not null,
    record_index integer not null,
    record json not null
);

comment on table raw_metadata_record is 'Every metadata record exactly as Kolada sent it. Grain: (run_id, entity, record_index).';
comment on column raw_metadata_record.run_id is 'The run that fetched the record (meta_run.run_id)';
comment on column raw_metadata_record.entity is 'kpi, kpi_groups, municipality, municipality_groups or ou';
comment on column raw_metadata_record.request_url is 'First URL of the paged request';
comment on column raw_metadata_record.fetched_at is 'When the request was fetched';
comment on column raw_metadata_record.record_index is 'Position of the record in the entity''s full list';
comment on column raw_metadata_record.record is 'The record as Kolada sent it';
