-- What the delårsrapport sheet of a goal workbook shows per indicator of a kommun, for the
-- forecast year $year: the latest value up to the year (and its period), the county mean for
-- that period, and the trend forecast the status marts make for the year
-- (mart_indicator_status_row.trend_value; none when the year has an outcome already).
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
-- The trend the marts make for the year (stored beside a manual forecast too).
trend as (
    select r.indicator_key, r.trend_value
    from mart_indicator_status_row r
    semi join indicator i on i.indicator_key = r.indicator_key
    where r.mode = 'forecast' and r.period = $year
),
final as (
    select i.indicator_id, i.kpi_id, i.gender, l.latest_period, l.latest_value,
           round(c.reference_value, 2) as county_mean, t.trend_value  -- shown, not stored
    from indicator i
    left join latest l using (indicator_key)
    left join trend t using (indicator_key)
    left join mart_reference_value c
      on c.reference_kind = 'county' and c.reference_id = substr(i.kommun_id, 1, 2)
     and c.kpi_id = i.kpi_id and c.gender = i.gender and c.period = l.latest_period
)
select * from final order by indicator_id;
