-- Question: Which indicators of a kommun are grey (cannot be assessed) in a report, and why?
-- Svenska: "Vilka indikatorer är grå och varför?" (kan inte bedömas)
--
-- Parameters (set them first, as below):
--   getvariable('kommun')       kommunkod, e.g. '2425'
--   getvariable('report_year')  the year of the report, e.g. 2025
--   getvariable('report_mode')  'outcome' (årsredovisning) or 'forecast' (delårsrapport)
--
-- Columns:
--   goal_id, indicator_id, indicator_title   which indicator (and its goal)
--   kpi_id               Kolada KPI id; null for a local measure
--   kpi_missing          the KPI is no longer in Kolada's catalogue
--   rule                 dorotea, target_only, trend, quartile or monitor
--   period               the period the report looked at
--   mode                 outcome or forecast
--   value                the value, if any (Källa: Kolada for KPIs)
--   reference_count      how many kommuner contributed to the reference value
--   reference_expected   how many kommuner the reference has
--   target_value         the målvärde for the period, if any
--   reason               why grey, in Swedish (e.g. Inte publicerat ännu, Referensvärde saknas)
--   motivation           the motivation text from the goal definitions
--   publication_date     Kolada's next (final) publication date for the KPI
--   source_label         Egen bearbetning av data från Kolada (statuses are computed)

set variable kommun = '2425';
set variable report_year = 2025;
set variable report_mode = 'outcome';

select
    r.goal_id,
    r.indicator_id,
    r.indicator_title,
    r.kpi_id,
    k.kpi_missing,
    r.rule,
    r.period,
    r.mode,
    r.value,
    r.reference_count,
    r.reference_expected,
    r.target_value,
    r.reason,
    r.motivation,
    k.publication_date,
    r.source_label
from mart_indicator_report r
join goal_indicator i using (kommun_id, indicator_id)
join goal g on g.kommun_id = r.kommun_id and g.goal_id = r.goal_id
left join goal_indicator_kpi k on k.kommun_id = r.kommun_id and k.indicator_id = r.indicator_id
where r.kommun_id = getvariable('kommun')
  and r.report_year = getvariable('report_year')
  and r.report_mode = getvariable('report_mode')
  and r.status = 'grey'
order by g.ordinal, i.ordinal;
