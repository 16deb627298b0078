-- Indicator statuses of one report for export, with Swedish column names.
-- Parameters: $kommun_id, $mode, $year.
select r.kommun_id as "Kommun", r.goal_id as "Mål-id", g.title as "Mål",
       r.indicator_id as "Indikator-id", r.indicator_title as "Indikator", r.kpi_id as "KPI",
       r.gender as "Kön", r.period as "Period", r.mode as "Utfall/prognos",
       r.value as "Värde", r.value_basis as "Värdets grund", r.is_preliminary as "Preliminärt",
       r.value_source_label as "Källa för värdet", r.target_value as "Målvärde",
       r.reference_kind as "Referens", r.reference_id as "Referens-id",
       r.reference_period as "Referensperiod", r.reference_value as "Referensvärde",
       r.reference_count as "Antal i referensen", r.direction as "Riktning", r.rule as "Regel",
       r.deviation_pct as "Avvikelse %", r.status as "Status", r.reason as "Orsak",
       r.motivation as "Motivering", r.source_label as "Källa för status"
from mart_indicator_report r
join goal g on g.kommun_id = r.kommun_id and g.goal_id = r.goal_id
left join goal_indicator gi on gi.kommun_id = r.kommun_id and gi.indicator_id = r.indicator_id
where r.kommun_id = $kommun_id and r.report_mode = $mode and r.report_year = $year
order by g.depth, g.ordinal, gi.ordinal
