-- The row a report for year Y shows per indicator: in outcome mode the latest period up to Y
-- with a value (Kolada publishes a year late), else Y itself (grey); in forecast mode the
-- forecast for Y, or the outcome when Y already has one. Report years are the goal's mandate.
-- mart_indicator_status_row marks the rows each report shows (040). The columns are those of
-- mart_indicator_status (050): keep the two in step.
create or replace view mart_indicator_report as
with shown as (
    select 'outcome' as report_mode, unnest(s.outcome_report_years)::bigint as report_year, s.*
    from mart_indicator_status_row s
    where s.outcome_report_years is not null
    union all
    select 'forecast', s.period, s.*
    from mart_indicator_status_row s
    where s.in_forecast_report
)
select
    s.report_mode, s.report_year,
    i.kommun_id, i.goal_id, i.indicator_id, i.indicator_title, i.kpi_id, i.gender,
    s.period, s.mode::varchar as mode, s.value, s.value_basis::varchar as value_basis,
    s.is_preliminary,
    -- value_basis is set exactly when there is a value
    case when s.value_basis is null then null
         when s.mode = 'forecast' then 'Egen prognos'
         when i.kpi_id is null then 'Kommunens egen uppgift'
         else 'Källa: Kolada' end as value_source_label,
    i.reference_kind, i.reference_id, s.reference_period, s.reference_value, s.reference_count,
    s.reference_expected, s.target_value, i.direction, i.rule,
    case when s.reference_value is not null and s.reference_value <> 0
         then (s.value - s.reference_value) / abs(s.reference_value) * 100 end as deviation_pct,
    s.status::varchar as status, s.reason,
    case when s.status = 'grey' then i.motivation end as motivation,
    i.source_label
from shown s
join mart_indicator i using (indicator_key);

comment on view mart_indicator_report is 'The indicator row a report for a year shows. Grain: (kommun_id, indicator_id, report_mode, report_year). period is the period of the value shown; mode says whether it is an outcome or a forecast.';
comment on column mart_indicator_report.report_mode is 'outcome (årsredovisning) or forecast (delårsrapport)';
comment on column mart_indicator_report.report_year is 'The year reported on (a year of the goal''s mandate)';
comment on column mart_indicator_report.kommun_id is 'Kommunkod, 4 characters';
comment on column mart_indicator_report.goal_id is 'The goal the indicator measures (goal.goal_id)';
comment on column mart_indicator_report.indicator_id is 'Indicator id from the goal definitions';
comment on column mart_indicator_report.indicator_title is 'The indicator''s title, or the KPI''s title in Kolada';
comment on column mart_indicator_report.kpi_id is 'Kolada KPI id; null for a local measure';
comment on column mart_indicator_report.gender is 'T total, K kvinnor, M män';
comment on column mart_indicator_report.period is 'The year of the value shown: in outcome mode the latest year up to report_year with a value, else report_year';
comment on column mart_indicator_report.mode is 'outcome (utfall) or forecast (prognos)';
comment on column mart_indicator_report.value is 'The kommun''s value (Källa: Kolada for KPIs), or the forecast';
comment on column mart_indicator_report.value_basis is 'utfall, manuell prognos or trendprognos';
comment on column mart_indicator_report.is_preliminary is 'The value is preliminary in Kolada (before the final publication date)';
comment on column mart_indicator_report.value_source_label is 'Källa: Kolada on Kolada''s values; Kommunens egen uppgift; Egen prognos';
comment on column mart_indicator_report.reference_kind is 'county, riket, all_kommuner, group, kommuner or own_trend';
comment on column mart_indicator_report.reference_id is 'County code, 0000, group id, the listed kommuner, or the kommun itself';
comment on column mart_indicator_report.reference_period is 'The period of the reference value';
comment on column mart_indicator_report.reference_value is 'The reference value (mart_reference_value)';
comment on column mart_indicator_report.reference_count is 'How many kommuner contributed to the reference value';
comment on column mart_indicator_report.reference_expected is 'How many kommuner the reference has';
comment on column mart_indicator_report.target_value is 'The målvärde for the period, if any';
comment on column mart_indicator_report.direction is 'higher or lower is better, or neutral';
comment on column mart_indicator_report.rule is 'dorotea, target_only, trend, quartile or monitor';
comment on column mart_indicator_report.deviation_pct is '(value - reference) / |reference| * 100; null when the reference is missing or 0';
comment on column mart_indicator_report.status is 'green, yellow, red or grey';
comment on column mart_indicator_report.reason is 'Why this status, in Swedish; grey always has one';
comment on column mart_indicator_report.motivation is 'The motivation text from the goal definitions, shown with a grey status';
comment on column mart_indicator_report.source_label is 'Statuses are computed: Egen bearbetning av data från Kolada (never Källa: Kolada)';
