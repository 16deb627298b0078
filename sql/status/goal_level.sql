-- Roll up the goals at depth $1 from their indicators and from their sub-goals at depth $1 + 1.
insert into mart_goal_status
with goal_year as (
    select g.kommun_id, g.goal_id, g.parent_goal_id, g.depth, g.level, g.title,
           m.report_mode, unnest(range(g.mandate_first_year, g.mandate_last_year + 1)) as report_year,
           f.rollup_method
    from goal g
    join goal_definition_file f using (kommun_id)
    cross join (values ('outcome'), ('forecast')) m(report_mode)
    where g.depth = $1
),
child as (
    select kommun_id, goal_id, report_mode, report_year, status
    from mart_indicator_report
    union all
    select kommun_id, parent_goal_id, report_mode, report_year, status
    from mart_goal_status where depth = $1 + 1
),
vote as (
    select y.kommun_id, y.goal_id, y.parent_goal_id, y.depth, y.level, y.title, y.report_mode,
           y.report_year, y.rollup_method,
           count(*) filter (where c.status = 'green') as green_count,
           count(*) filter (where c.status = 'yellow') as yellow_count,
           count(*) filter (where c.status = 'red') as red_count,
           count(*) filter (where c.status = 'grey') as grey_count
    from goal_year y
    left join child c
      on c.kommun_id = y.kommun_id and c.goal_id = y.goal_id
     and c.report_mode = y.report_mode and c.report_year = y.report_year
    group by all
),
decided as (
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
    from vote
)
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
from decided;
