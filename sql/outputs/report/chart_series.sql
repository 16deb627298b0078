-- The series behind the report's charts, per KPI indicator: the kommun's outcome values, the
-- unweighted mean of the county's kommuner and Riket, same KPI and gender, up to the report
-- year. Parameters: $kommun_id, $last_period, $county_code.
with
indicator as (
    select distinct kommun_id, indicator_id, kpi_id, gender
    from mart_indicator_status
    where kommun_id = $kommun_id and kpi_id is not null
),

kommun as (
    select s.indicator_id, 'kommun' as series, s.period, s.value
    from mart_indicator_status s
    join indicator i using (kommun_id, indicator_id)
    where s.mode = 'outcome' and s.value is not null and s.period <= $last_period
),

reference as (
    select i.indicator_id, r.reference_kind as series, r.period, r.reference_value as value
    from indicator i
    join mart_reference_value r on r.kpi_id = i.kpi_id and r.gender = i.gender
    where r.reference_value is not null and r.period <= $last_period
      and ((r.reference_kind = 'county' and r.reference_id = $county_code)
           or (r.reference_kind = 'riket' and r.reference_id = '0000'))
),

final as (
    select indicator_id, series, period, value from kommun
    union all
    select indicator_id, series, period, value from reference
)

select indicator_id, series, period, value from final
order by indicator_id, series, period;
