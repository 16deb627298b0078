-- Every goal of one kommun with its status for one report, in ordinal order. A goal without a
-- status row for the report keeps null status. Parameters: $kommun_id, $mode, $year.
select g.goal_id, g.parent_goal_id, g.depth, g.ordinal, g.level, g.title, g.owner,
       s.status, s.reason
from goal g
left join mart_goal_status s
  on s.kommun_id = g.kommun_id and s.goal_id = g.goal_id
 and s.report_mode = $mode and s.report_year = $year
where g.kommun_id = $kommun_id
order by g.depth, g.ordinal, g.goal_id;
