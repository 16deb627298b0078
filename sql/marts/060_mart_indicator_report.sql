-- The row a report for year Y shows per indicator: in outcome mode the latest period up to Y
-- with a value (Kolada publishes a year late), else Y itself (grey); in forecast mode the
-- forecast for Y, or the outcome when Y already has one.
-- Grain: (kommun_id, indicator_id, mode, report_year), report years = the goal's mandate.
create or replace table mart_indicator_report as
with report_year as (
    select i.kommun_id, i.indicator_id,
           unnest(range(g.mandate_first_year, g.mandate_last_year + 1)) as report_year
    from goal_indicator i join goal g using (kommun_id, goal_id)
),
valued as (
    select kommun_id, indicator_id, period from mart_indicator_status
    where mode = 'outcome' and value is not null
),
picked as (
    select y.kommun_id, y.indicator_id, y.report_year, coalesce(v.period, y.report_year) as period
    from report_year y
    asof left join valued v
      on v.kommun_id = y.kommun_id and v.indicator_id = y.indicator_id
     and v.period <= y.report_year
)
select 'outcome' as report_mode, p.report_year, s.*
from picked p
join mart_indicator_status s
  on s.kommun_id = p.kommun_id and s.indicator_id = p.indicator_id
 and s.period = p.period and s.mode = 'outcome'
union all
-- Forecast rows exist exactly for the years without an outcome value.
select 'forecast', y.report_year, s.*
from report_year y
join mart_indicator_status s
  on s.kommun_id = y.kommun_id and s.indicator_id = y.indicator_id and s.period = y.report_year
where s.mode = 'forecast' or (s.mode = 'outcome' and s.value is not null);

comment on table mart_indicator_report is 'The indicator row a report for a year shows. Grain: (kommun_id, indicator_id, report_mode, report_year). period is the period of the value shown; mode says whether it is an outcome or a forecast.';
