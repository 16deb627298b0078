-- The metadata entities whose list changed in a run ($run_id), with the fetch time of the
-- list: the lists a replay applies for that run.
select entity, request_url, max(fetched_at) as fetched_at
from raw_metadata_record
where run_id = $run_id
group by entity, request_url
order by min(fetched_at)
