-- The row a report for year Y shows per indicator: in outcome mode the latest period up to Y
-- with a value (Kolada publishes a year late), else Y itself (grey); in forecast mode the
-- forecast for Y, or the outcome when Y already has one. Report years are the goal's mandate.
-- mart_indicator_status_row marks the rows each report shows (040); their columns are those of
-- mart_indicator_status (050), after the report's own two.
create or replace view mart_indicator_report as
with shown as (
    select indicator_key, mode, period, 'outcome' as report_mode,
           unnest(outcome_report_years)::bigint as report_year
    from mart_indicator_status_row
    where outcome_report_years is not null
    union all
    select indicator_key, mode, period, 'forecast', period
    from mart_indicator_status_row
    where in_forecast_report
),
final as (
    select h.report_mode, h.report_year, s.*
    from shown h
    join mart_indicator i using (indicator_key)
    -- mart_indicator_status's grain: (kommun_id, indicator_id, mode, period)
    join mart_indicator_status s
      on s.kommun_id = i.kommun_id and s.indicator_id = i.indicator_id
     and s.mode = h.mode::varchar and s.period = h.period
)
select * from final;

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
