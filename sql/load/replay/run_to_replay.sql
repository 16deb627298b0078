-- The run a replay ends with ($run_id): its status, to refuse one that did not succeed.
select status
from meta_run
where run_id = $run_id
