-- Every goal has exactly one rolled-up status per report mode and mandate year.
select g.kommun_id, g.goal_id, count(s.status) as statuses
from goal g
left join mart_goal_status s using (kommun_id, goal_id)
group by g.kommun_id, g.goal_id, g.mandate_first_year, g.mandate_last_year
having count(s.status) <> 2 * (g.mandate_last_year - g.mandate_first_year + 1)
