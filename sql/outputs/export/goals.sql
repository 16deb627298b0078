-- Goal statuses of one report for export, with Swedish column names.
-- Parameters: $kommun_id, $mode, $year.
select s.kommun_id as "Kommun", s.goal_id as "Mål-id", s.parent_goal_id as "Överordnat mål",
       s.level as "Nivå", s.title as "Mål", g.owner as "Ansvarig", s.report_year as "År",
       s.report_mode as "Utfall/prognos", s.status as "Status", s.reason as "Orsak",
       s.green_count as "Gröna", s.yellow_count as "Gula", s.red_count as "Röda",
       s.grey_count as "Grå", s.source_label as "Källa"
from mart_goal_status s
join goal g on g.kommun_id = s.kommun_id and g.goal_id = s.goal_id
where s.kommun_id = $kommun_id and s.report_mode = $mode and s.report_year = $year
order by s.depth, g.ordinal
