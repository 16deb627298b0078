select path, error, failed_at
from meta_failed_request
where run_id = $run_id
order by failed_at, path
