-- An entity's list ($entity) as a run ($run_id) saw it: the latest landed row of each record
-- up to that run, unless it marks a removal (run ids sort by their start time).
with
latest as (
    select record_index, record_id, record, is_removed
    from raw_metadata_record
    where entity = $entity and run_id <= $run_id
    qualify row_number() over (partition by record_id order by fetched_at desc) = 1
),

final as (
    select record_index, record_id, record
    from latest
    where not is_removed
)

select record::varchar as record
from final
order by record_index, record_id
