-- What the delårsrapport sheet of a goal workbook shows per indicator of a kommun, for the
-- forecast year $year: the latest value up to the year (and its period), the county mean for
-- that period, and the trend forecast the status marts make for the year when there is no
-- manual forecast (040_mart_indicator_status_row.sql: a linear extrapolation of the last, at
-- most 3 and at least 2, values of the 5 years before, the latest no more than 3 years back,
-- rounded to the decimals of the indicator's values, at most 2).
-- The trend is computed here from the marts' outcome rows because the marts store the forecast
-- they show (the manual one when there is one), not the trend beside it.
-- Parameters: $kommun_id, $year. Grain: indicator_id.
with indicator as (
    select indicator_key, indicator_id, kpi_id, gender, kommun_id
    from mart_indicator
    where kommun_id = $kommun_id
),
valued as (
    select r.indicator_key, r.period::integer as period, r.value
    from mart_indicator_status_row r
    semi join indicator i on i.indicator_key = r.indicator_key
    where r.mode = 'outcome' and r.value is not null
),
latest as (
    select indicator_key, arg_max(value, period) as latest_value, max(period) as latest_period
    from valued
    where period <= $year
    group by indicator_key
),
recent as (
    select indicator_key, period, value
    from valued
    where period between $year - 5 and $year - 1
    qualify row_number() over (partition by indicator_key order by period desc) <= 3
),
value_decimals as (
    select indicator_key,
           max(case when value = round(value, 0) then 0
                    when value = round(value, 1) then 1 else 2 end) as decimals
    from valued
    group by indicator_key
),
trend as (
    select r.indicator_key,
           -- + 0.0 makes a -0.0 from rounding a small negative number 0.0
           case when count(*) >= 2 and max(r.period) >= $year - 3
                then round(regr_intercept(r.value, r.period) + regr_slope(r.value, r.period) * $year,
                           any_value(d.decimals)) + 0.0
           end as trend_value
    from recent r join value_decimals d using (indicator_key)
    group by r.indicator_key
),
final as (
    select i.indicator_id, i.kpi_id, i.gender, l.latest_period, l.latest_value,
           c.reference_value as county_mean, t.trend_value
    from indicator i
    left join latest l using (indicator_key)
    left join trend t using (indicator_key)
    left join mart_reference_value c
      on c.reference_kind = 'county' and c.reference_id = substr(i.kommun_id, 1, 2)
     and c.kpi_id = i.kpi_id and c.gender = i.gender and c.period = l.latest_period
)
select * from final order by indicator_id;
