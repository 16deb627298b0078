-- The runs a replay up to $run_id applies, oldest first: every succeeded run that started no
-- later than it (their raw rows are what is left of them after retention).
select run_id
from meta_run
where status = 'succeeded'
  and started_at <= (select started_at from meta_run where run_id = $run_id)
order by started_at, run_id
