-- The status of every indicator, per mode and period, with the reason for it: the stored rows
-- of mart_indicator_status_row with the indicator's own columns from mart_indicator. The one
-- definition of these columns: mart_indicator_report (060) shows these rows.
create or replace view mart_indicator_status as
with final as (
    select
        i.kommun_id, i.goal_id, i.indicator_id, i.indicator_title, i.kpi_id, i.ou_id,
        i.ou_title, i.gender,
        s.period, s.mode::varchar as mode, s.value, s.value_basis::varchar as value_basis,
        s.is_preliminary,
        -- value_basis is set exactly when there is a value
        case when s.value_basis is null then null
             when s.mode = 'forecast' then 'Egen prognos'
             when i.kpi_id is null then 'Kommunens egen uppgift'
             else 'Källa: Kolada' end as value_source_label,
        i.reference_kind, i.reference_id, i.reference_title, s.reference_period, s.reference_value,
        s.reference_count, s.reference_expected, s.target_value, i.direction, i.rule,
        case when s.reference_value is not null and s.reference_value <> 0
             then (s.value - s.reference_value) / abs(s.reference_value) * 100
        end as deviation_pct,
        s.status::varchar as status, s.reason,
        s.rank_position, s.best_quartile_limit, s.worst_quartile_limit, s.trend_value,
        case when s.status = 'grey' then i.motivation end as motivation,
        i.source_label
    from mart_indicator_status_row s
    join mart_indicator i using (indicator_key)
)
select * from final;

comment on view mart_indicator_status is 'Status of every indicator of every kommun, per mode (outcome = årsredovisning, forecast = delårsrapport) and period, with its reason. Grain: (kommun_id, indicator_id, mode, period).';
comment on column mart_indicator_status.kommun_id is 'Kommunkod, 4 characters';
comment on column mart_indicator_status.goal_id is 'The goal the indicator measures (goal.goal_id)';
comment on column mart_indicator_status.indicator_id is 'Indicator id from the goal definitions';
comment on column mart_indicator_status.indicator_title is 'The indicator''s title, or the KPI''s title in Kolada';
comment on column mart_indicator_status.kpi_id is 'Kolada KPI id; null for a local measure';
comment on column mart_indicator_status.ou_id is 'The organisational unit whose values the indicator follows; null: the kommun''s';
comment on column mart_indicator_status.ou_title is 'The unit''s title in Kolada';
comment on column mart_indicator_status.gender is 'T total, K kvinnor, M män';
comment on column mart_indicator_status.period is 'The year the value is for';
comment on column mart_indicator_status.mode is 'outcome (utfall) or forecast (prognos)';
comment on column mart_indicator_status.value is 'The kommun''s value (Källa: Kolada for KPIs), or the forecast';
comment on column mart_indicator_status.value_basis is 'utfall, manuell prognos or trendprognos';
comment on column mart_indicator_status.is_preliminary is 'The value is preliminary in Kolada (before the final publication date)';
comment on column mart_indicator_status.value_source_label is 'Källa: Kolada on Kolada''s values; Kommunens egen uppgift; Egen prognos';
comment on column mart_indicator_status.reference_kind is 'county, riket, all_kommuner, group, kommuner, own_trend, similar, kommun or own_units';
comment on column mart_indicator_status.reference_id is 'County code, 0000, group id (similar: the group found for the kommun and area), the listed kommuner, or the kommun itself';
comment on column mart_indicator_status.reference_title is 'The Kolada group''s title for group and similar references, e.g. Liknande kommuner grundskola, Dorotea, 2024';
comment on column mart_indicator_status.reference_period is 'The period of the reference value';
comment on column mart_indicator_status.reference_value is 'The reference value (mart_reference_value)';
comment on column mart_indicator_status.reference_count is 'How many kommuner contributed to the reference value';
comment on column mart_indicator_status.reference_expected is 'How many kommuner the reference has';
comment on column mart_indicator_status.target_value is 'The målvärde for the period, if any';
comment on column mart_indicator_status.direction is 'higher or lower is better, or neutral';
comment on column mart_indicator_status.rule is 'dorotea, target_only, trend, quartile or monitor';
comment on column mart_indicator_status.deviation_pct is '(value - reference) / |reference| * 100; null when the reference is missing or 0';
comment on column mart_indicator_status.status is 'green, yellow, red or grey';
comment on column mart_indicator_status.reason is 'Why this status, in Swedish; grey always has one';
comment on column mart_indicator_status.rank_position is 'For the quartile rule: the kommun''s place among all kommuner with a value, 1 the best';
comment on column mart_indicator_status.best_quartile_limit is 'For the quartile rule: the limit of the best 25 % among all kommuner';
comment on column mart_indicator_status.worst_quartile_limit is 'For the quartile rule: the limit of the worst 25 % among all kommuner';
comment on column mart_indicator_status.trend_value is 'For a forecast: the linear trend of the latest values, also where a manual forecast is used instead';
comment on column mart_indicator_status.motivation is 'The motivation text from the goal definitions, shown with a grey status';
comment on column mart_indicator_status.source_label is 'Statuses are computed: Egen bearbetning av data från Kolada (never Källa: Kolada)';
