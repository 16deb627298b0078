-- Forecast rows (delårsrapport) for every mandate year, and every year with a manual
-- forecast, that has no outcome yet: the manual forecast from the definitions, else a
-- linear extrapolation of the kommun's last (at most 3, at least 2) values of the 5 years
-- before, else no value (judged grey: prognos kan inte göras). The reference is the latest
-- one known at or before the year.
insert into mart_indicator_fact
with outcome as (select * from mart_indicator_fact where mode = 'outcome'),
forecast_year as (
    select o.kommun_id, o.indicator_id, o.period
    from outcome o join goal g on g.kommun_id = o.kommun_id and g.goal_id = o.goal_id
    where o.value is null and o.period between g.mandate_first_year and g.mandate_last_year
    union
    select f.kommun_id, f.indicator_id, f.period
    from goal_indicator_forecast f
    left join outcome o using (kommun_id, indicator_id, period)
    where o.value is null
),
recent as (
    select y.kommun_id, y.indicator_id, y.period as forecast_period, o.period, o.value,
           row_number() over (partition by y.kommun_id, y.indicator_id, y.period
                              order by o.period desc) as recency
    from forecast_year y
    join outcome o
      on o.kommun_id = y.kommun_id and o.indicator_id = y.indicator_id
     and o.period between y.period - 5 and y.period - 1 and o.value is not null
),
trend as (
    select kommun_id, indicator_id, forecast_period,
           case when count(*) >= 2 and max(period) >= forecast_period - 3
                then regr_intercept(value, period) + regr_slope(value, period) * forecast_period
           end as trend_value,
           arg_max(value, period) as latest_value, max(period) as latest_period
    from recent where recency <= 3
    group by kommun_id, indicator_id, forecast_period
),
latest_reference as (
    select y.kommun_id, y.indicator_id, y.period as forecast_period,
           arg_max(o.reference_value, o.period) as reference_value,
           arg_max(o.reference_count, o.period) as reference_count,
           arg_max(o.reference_expected, o.period) as reference_expected,
           arg_max(o.reference_period, o.period) as reference_period,
           arg_max(o.quartile_position, o.period) as quartile_position,
           arg_max(o.ranked_count, o.period) as ranked_count
    from forecast_year y
    join outcome o
      on o.kommun_id = y.kommun_id and o.indicator_id = y.indicator_id
     and o.period <= y.period and o.reference_value is not null
    group by y.kommun_id, y.indicator_id, y.period
)
select
    o.kommun_id, o.indicator_id, o.goal_id, o.kpi_id, o.gender, o.direction, o.rule,
    o.tolerance_kind, o.tolerance_value, o.min_reference_count, o.trend_threshold_pct,
    o.motivation, o.kpi_removed, o.publ_period, o.publication_date,
    'forecast' as mode, y.period,
    coalesce(f.forecast_value, t.trend_value) as value,
    case when f.forecast_value is not null or t.trend_value is not null
         then 'Egen prognos' end as value_source_label,
    case when f.forecast_value is not null then 'manuell prognos'
         when t.trend_value is not null then 'trendprognos' end as value_basis,
    false as is_preliminary,
    o.has_any_value,
    o.kpi_has_values,
    o.reference_kind, o.reference_id,
    r.reference_period, r.reference_value, r.reference_count, r.reference_expected,
    o.target_value,
    t.latest_period as previous_period, t.latest_value as previous_value,
    r.quartile_position, r.ranked_count
from forecast_year y
join outcome o using (kommun_id, indicator_id, period)
left join goal_indicator_forecast f using (kommun_id, indicator_id, period)
left join trend t
  on t.kommun_id = y.kommun_id and t.indicator_id = y.indicator_id
 and t.forecast_period = y.period
left join latest_reference r
  on r.kommun_id = y.kommun_id and r.indicator_id = y.indicator_id
 and r.forecast_period = y.period;
