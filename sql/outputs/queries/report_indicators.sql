-- The indicator rows of one report, in the order the goal definition lists them.
-- Parameters: $kommun_id, $mode, $year.
select r.goal_id, r.indicator_id, r.indicator_title, r.kpi_id, r.period, r.mode, r.value,
       r.is_preliminary, r.value_source_label, gi.local_unit, r.reference_kind,
       r.reference_period, r.reference_value, r.reference_count, r.reference_expected,
       r.target_value, r.deviation_pct, r.status, r.reason, r.motivation, r.rank_position,
       r.best_quartile_limit, r.worst_quartile_limit, k.title as kpi_title
from mart_indicator_report r
left join goal_indicator gi
  on gi.kommun_id = r.kommun_id and gi.indicator_id = r.indicator_id
left join core_kpi k on k.kpi_id = r.kpi_id
where r.kommun_id = $kommun_id and r.report_mode = $mode and r.report_year = $year
order by r.goal_id, gi.ordinal, r.indicator_id;
