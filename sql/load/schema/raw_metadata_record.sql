-- Metadata records as Kolada sent them, landed when they change. Grain: (entity, record_id, fetched_at).
-- A record is landed when it is new or its content differs from its latest landed row, and a
-- row marks it removed when Kolada no longer lists it: an entity's current list is the latest
-- row of each record_id that is not is_removed.
create table if not exists raw_metadata_record (
    run_id varchar not null,
    entity varchar not null,
    request_url varchar not null,
    fetched_at timestamptz not null,
    record_index integer,
    record json not null,
    record_id varchar not null,
    record_hash varchar,
    is_removed boolean not null
);

comment on table raw_metadata_record is 'Metadata records as Kolada sent them, landed when new or changed, with a row marking each record Kolada no longer lists (is_removed). An entity''s current list is the latest row of each record_id that is not is_removed. Grain: (entity, record_id, fetched_at).';
comment on column raw_metadata_record.run_id is 'The run that fetched the record (meta_run.run_id)';
comment on column raw_metadata_record.entity is 'kpi, kpi_groups, municipality, municipality_groups or ou';
comment on column raw_metadata_record.request_url is 'First URL of the paged request';
comment on column raw_metadata_record.fetched_at is 'When the request was fetched';
comment on column raw_metadata_record.record_index is 'Position of the record in the entity''s full list when it was landed; null on a removal row';
comment on column raw_metadata_record.record is 'The record as Kolada sent it; on a removal row, the record as last landed';
comment on column raw_metadata_record.record_id is 'The record''s id (its "id" field), the same in every version of the record';
comment on column raw_metadata_record.record_hash is 'md5 of the record''s JSON with keys sorted, to compare with the next fetch; null on rows landed before hashes were kept (compared by their text)';
comment on column raw_metadata_record.is_removed is 'Kolada no longer listed the record at this fetch';
