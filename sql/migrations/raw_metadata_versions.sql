-- Databases made before metadata was landed only when it changed hold every record of every
-- run, without its id, hash or removal mark. Name each row's record, and mark each record that
-- a later fetch of its entity no longer listed as removed at the first such fetch, so that the
-- latest row of a record is its current state. Hashes of those rows stay null (the load compares
-- them by their text). One transaction, so that a migration cut short runs again whole; DuckDB
-- sets NOT NULL only outside a transaction that changed the rows, hence the last statements.
begin transaction;
alter table raw_metadata_record add column if not exists record_id varchar;
alter table raw_metadata_record add column if not exists record_hash varchar;
alter table raw_metadata_record add column if not exists is_removed boolean;
alter table raw_metadata_record alter column record_index drop not null;
update raw_metadata_record
set record_id = record ->> 'id', is_removed = false
where record_id is null;
insert into raw_metadata_record by name
with fetches as (
    select distinct entity, run_id, request_url, fetched_at
    from raw_metadata_record
    where not is_removed
),
last_rows as (
    select *
    from raw_metadata_record
    qualify row_number() over (partition by entity, record_id order by fetched_at desc) = 1
)
select
    f.run_id,
    f.entity,
    f.request_url,
    f.fetched_at,
    null as record_index,
    l.record,
    l.record_id,
    l.record_hash,
    true as is_removed
from last_rows as l
join fetches as f on f.entity = l.entity and f.fetched_at > l.fetched_at
where not l.is_removed
qualify row_number() over (partition by l.entity, l.record_id order by f.fetched_at) = 1;
commit;
alter table raw_metadata_record alter column record_id set not null;
alter table raw_metadata_record alter column is_removed set not null;
