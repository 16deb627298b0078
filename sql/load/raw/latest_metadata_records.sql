-- The records of an entity ($entity) as last landed and still listed: the latest row of each
-- record_id, unless it marks a removal. The text only where no hash was kept, to compare by.
select
    record_id,
    record_hash,
    case when record_hash is null then record::varchar end as record
from raw_metadata_record
where entity = $entity
qualify row_number() over (partition by record_id order by fetched_at desc) = 1
    and not is_removed
