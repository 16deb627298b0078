-- The analysis facts of one report's indicators: for each indicator row of the report, the
-- facts of its period, or of the latest period before it with facts (a forecast year has
-- none of its own). Parameters: $kommun_id, $mode, $year.
with report_row as (
    select kommun_id, indicator_id, period
    from mart_indicator_report
    where kommun_id = $kommun_id and report_mode = $mode and report_year = $year
      and kpi_id is not null and period is not null
),
final as (
    select r.indicator_id, f.period, k.title as kpi_title, f.direction,
           f.county_rank, f.county_ranked, f.riket_rank, f.riket_ranked,
           f.change_1y, f.change_3y, f.better_by_1y, f.better_by_3y, f.better_years_in_row,
           f.value_women, f.value_men, f.gender_gap, f.is_preliminary
    from report_row r
    asof join mart_indicator_fact f
      on f.kommun_id = r.kommun_id and f.indicator_id = r.indicator_id and f.period <= r.period
    left join core_kpi k on k.kpi_id = f.kpi_id
)
select * from final
order by indicator_id
