-- One row per (kommun_id, goal_id, quality_indicator_id, cost_indicator_id, period, member_id).
select kommun_id, goal_id, quality_indicator_id, cost_indicator_id, period, member_id,
       count(*) as rows
from mart_cost_quality
group by all
having count(*) > 1
