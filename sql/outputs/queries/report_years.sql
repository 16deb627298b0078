-- The years a report can be made for: those with goal statuses. Parameters: $kommun_id, $mode.
select distinct report_year
from mart_goal_status
where kommun_id = $kommun_id and report_mode = $mode
order by report_year;
