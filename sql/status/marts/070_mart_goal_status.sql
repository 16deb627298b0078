-- The status of every goal, rolled up from the deepest level of the goal tree to the top: a
-- goal votes over its own indicators (the rows its reports show, mart_indicator_report) and
-- its sub-goals one level down. Grey children do not vote; they are counted in the reason.
-- The table is declared, not created from the select, so that the counts and the year keep
-- their types (integer) and the columns their not null.
create or replace table mart_goal_status (
    kommun_id varchar not null,
    goal_id varchar not null,
    parent_goal_id varchar,
    depth integer not null,
    level varchar,
    title varchar not null,
    report_mode varchar not null,
    report_year integer not null,
    rollup_method varchar not null,
    green_count integer not null,
    yellow_count integer not null,
    red_count integer not null,
    grey_count integer not null,
    status varchar not null,
    reason varchar not null,
    source_label varchar not null
);

insert into mart_goal_status (
    kommun_id, goal_id, parent_goal_id, depth, level, title, report_mode, report_year,
    rollup_method, green_count, yellow_count, red_count, grey_count, status, reason,
    source_label
)
with recursive
-- Every goal in every year of its mandate, in both report modes.
goal_year as (
    select g.kommun_id, g.goal_id, g.parent_goal_id, g.depth, g.level, g.title, m.report_mode,
           unnest(range(g.mandate_first_year, g.mandate_last_year + 1)) as report_year,
           f.rollup_method
    from goal g
    join goal_definition_file f using (kommun_id)
    cross join (values ('outcome'), ('forecast')) m(report_mode)
),
-- The votes of each goal's own indicators, for every level at once: materialized, so that the
-- report rows are read once, not again in every step of the roll-up.
indicator_vote as materialized (
    select y.kommun_id, y.goal_id, y.parent_goal_id, y.depth, y.level, y.title, y.report_mode,
           y.report_year, y.rollup_method,
           count(*) filter (where r.status = 'green') as green_indicators,
           count(*) filter (where r.status = 'yellow') as yellow_indicators,
           count(*) filter (where r.status = 'red') as red_indicators,
           count(*) filter (where r.status = 'grey') as grey_indicators
    from goal_year y
    left join mart_indicator_report r
      on r.kommun_id = y.kommun_id and r.goal_id = y.goal_id
     and r.report_mode = y.report_mode and r.report_year = y.report_year
    group by all
),
-- One level per step, deepest first, so that a goal's sub-goals are decided in the step before
-- its own. The first row is no goal: it marks the level below the deepest as done, so that
-- every level, the deepest too, is decided by the one recursive step. The steps end at the
-- first level without goals: a goal's parent is one level up (goals/store.py), so that is
-- the level above the top.
goal_vote as (
    select null::varchar as kommun_id, null::varchar as goal_id, null::varchar as parent_goal_id,
           max(depth) + 1 as depth, null::varchar as level, null::varchar as title,
           null::varchar as report_mode, null::bigint as report_year,
           null::varchar as rollup_method, 0::bigint as green_count, 0::bigint as yellow_count,
           0::bigint as red_count, 0::bigint as grey_count, null::varchar as status
    from goal
    union all
    select *,
        case
            when green_count + yellow_count + red_count = 0 then 'grey'
            when rollup_method = 'worst' then
                case when red_count > 0 then 'red' when yellow_count > 0 then 'yellow' else 'green' end
            -- majority; a tie goes to the worse status
            when red_count >= yellow_count and red_count >= green_count then 'red'
            when yellow_count >= green_count then 'yellow'
            else 'green'
        end as status
    from (
        -- The level above the one decided last: its indicators' votes and its sub-goals'.
        select v.kommun_id, v.goal_id, v.parent_goal_id, v.depth, v.level, v.title,
               v.report_mode, v.report_year, v.rollup_method,
               any_value(v.green_indicators) + count(*) filter (where s.status = 'green')
                   as green_count,
               any_value(v.yellow_indicators) + count(*) filter (where s.status = 'yellow')
                   as yellow_count,
               any_value(v.red_indicators) + count(*) filter (where s.status = 'red')
                   as red_count,
               any_value(v.grey_indicators) + count(*) filter (where s.status = 'grey')
                   as grey_count
        from indicator_vote v
        left join goal_vote s
          on s.kommun_id = v.kommun_id and s.parent_goal_id = v.goal_id and s.depth = v.depth + 1
         and s.report_mode = v.report_mode and s.report_year = v.report_year
        where v.depth = (select min(depth) from goal_vote) - 1
        group by all
    ) level_tally
),
final as (
    select kommun_id, goal_id, parent_goal_id, depth, level, title, report_mode, report_year,
           rollup_method, green_count, yellow_count, red_count, grey_count, status,
           case when green_count + yellow_count + red_count + grey_count = 0
                    then 'Inga indikatorer eller delmål'
                when green_count + yellow_count + red_count = 0
                    then 'Inget av ' || grey_count || ' underliggande kunde bedömas'
                else green_count || ' gröna, ' || yellow_count || ' gula, ' || red_count || ' röda'
                     || case when grey_count > 0
                             then '; ' || grey_count || ' kunde inte bedömas' else '' end
                     || case rollup_method when 'worst' then ' (sämsta avgör)'
                             else ' (majoritet, lika går till det sämre)' end
           end as reason,
           'Egen bearbetning av data från Kolada' as source_label
    from goal_vote
    where goal_id is not null
)
select kommun_id, goal_id, parent_goal_id, depth, level, title, report_mode, report_year,
       rollup_method, green_count, yellow_count, red_count, grey_count, status, reason,
       source_label
from final;

comment on table mart_goal_status is 'Rolled-up status of every goal, per report mode (outcome/forecast) and report year. Grain: (kommun_id, goal_id, report_mode, report_year). A goal votes over its own indicators and its sub-goals; grey children do not vote.';
comment on column mart_goal_status.rollup_method is 'majority: the most common status among assessed children, a tie going to the worse; worst: the worst assessed child';
comment on column mart_goal_status.green_count is 'Children (indicators and sub-goals) judged green';
comment on column mart_goal_status.grey_count is 'Children that could not be assessed';
comment on column mart_goal_status.status is 'green, yellow, red, or grey when no child could be assessed';
comment on column mart_goal_status.reason is 'The vote, in Swedish';
comment on column mart_goal_status.source_label is 'Egen bearbetning av data från Kolada';
comment on column mart_goal_status.kommun_id is 'Kommunkod, 4 characters';
comment on column mart_goal_status.goal_id is 'The goal (goal.goal_id)';
comment on column mart_goal_status.parent_goal_id is 'The goal above it; null at the top of the tree';
comment on column mart_goal_status.depth is '0 at the top of the tree';
comment on column mart_goal_status.level is 'The kommun''s own name for the level, e.g. Målområde';
comment on column mart_goal_status.title is 'The goal as the kommun wrote it';
comment on column mart_goal_status.report_mode is 'outcome (årsredovisning) or forecast (delårsrapport)';
comment on column mart_goal_status.report_year is 'The year reported on (a year of the goal''s mandate)';
comment on column mart_goal_status.yellow_count is 'Children (indicators and sub-goals) judged yellow';
comment on column mart_goal_status.red_count is 'Children (indicators and sub-goals) judged red';
