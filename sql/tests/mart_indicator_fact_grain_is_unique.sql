-- One set of facts per (kommun_id, indicator_id, period).
select kommun_id, indicator_id, period, count(*) as rows
from mart_indicator_fact
group by all
having count(*) > 1
