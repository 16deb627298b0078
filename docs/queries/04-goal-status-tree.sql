-- Question: What is the status of every goal of a kommun for a year, shown as the goal tree?
-- Svenska: "Måluppfyllelse för kommunens mål, år för år" (målen i trädordning, som i
-- årsredovisningen eller delårsrapporten).
--
-- Tree order: each goal comes right after its parent, siblings in the order of the goal
-- definition file (goal.ordinal), built from goal.parent_goal_id.
--
-- Parameters (set them first, as below):
--   getvariable('kommun')       kommunkod, e.g. '2425'
--   getvariable('report_year')  the year of the report, e.g. 2025
--   getvariable('report_mode')  'outcome' (årsredovisning, utfall) or 'forecast'
--                               (delårsrapport, prognos)
--
-- Columns:
--   indented_title  the goal's title, indented four spaces per level
--   goal_id         the goal's id from the goal definitions
--   parent_goal_id  the goal above it; null for a top goal
--   depth           0 for a top goal, 1 below it, and so on
--   level           the kommun's name for the level (e.g. Målområde)
--   owner           who owns the goal (e.g. Kommunfullmäktige)
--   status          green, yellow, red, or grey when no child could be assessed
--   green_count, yellow_count, red_count, grey_count
--                   how many children (indicators and sub-goals) have each status
--   reason          the vote, in Swedish
--   rollup_method   majority or worst
--   source_label    Egen bearbetning av data från Kolada (statuses are computed)

set variable kommun = '2425';
set variable report_year = 2025;
set variable report_mode = 'outcome';

with recursive tree as (
    select kommun_id, goal_id, [ordinal] as sort_path
    from goal
    where kommun_id = getvariable('kommun') and parent_goal_id is null
    union all
    select g.kommun_id, g.goal_id, list_append(t.sort_path, g.ordinal)
    from goal g
    join tree t on t.kommun_id = g.kommun_id and t.goal_id = g.parent_goal_id
)
select
    repeat('    ', s.depth) || s.title as indented_title,
    s.goal_id,
    s.parent_goal_id,
    s.depth,
    s.level,
    g.owner,
    s.status,
    s.green_count,
    s.yellow_count,
    s.red_count,
    s.grey_count,
    s.reason,
    s.rollup_method,
    s.source_label
from mart_goal_status s
join tree t using (kommun_id, goal_id)
join goal g using (kommun_id, goal_id)
where s.report_year = getvariable('report_year')
  and s.report_mode = getvariable('report_mode')
order by t.sort_path;
