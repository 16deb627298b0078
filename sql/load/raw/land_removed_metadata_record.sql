-- Mark the records of an entity ($entity) that a fetch no longer lists ($record_ids) as
-- removed, each with its content as last landed.
insert into raw_metadata_record by name
select
    $run_id as run_id,
    entity,
    $request_url as request_url,
    $fetched_at as fetched_at,
    null as record_index,
    record,
    record_id,
    record_hash,
    true as is_removed
from raw_metadata_record
where entity = $entity and list_contains($record_ids, record_id)
qualify row_number() over (partition by record_id order by fetched_at desc) = 1
