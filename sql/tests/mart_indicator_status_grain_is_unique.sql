-- One status per (kommun_id, indicator_id, mode, period).
select kommun_id, indicator_id, mode, period, count(*) as rows
from mart_indicator_status
group by all
having count(*) > 1
