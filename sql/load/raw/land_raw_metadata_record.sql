-- Land the new and changed records of a fetch (staged_raw_metadata, from metadata.land_raw).
insert into raw_metadata_record by name
select
    $run_id as run_id,
    $entity as entity,
    $request_url as request_url,
    $fetched_at as fetched_at,
    record_index,
    record,
    record_id,
    record_hash,
    false as is_removed
from staged_raw_metadata
