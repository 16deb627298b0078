-- The status of every indicator, per mode and period, with the reason for it.
-- Rules (docs/goal-definitions.md): dorotea (default), target_only, trend, quartile, monitor.
-- Comparisons are rounded to 9 decimals so that an exact tie or an exact 10 % is not lost
-- to floating point.
create or replace table mart_indicator_status as
with fact as (
    select f.*,
        coalesce(gi.title, k.title) as indicator_title,
        case when f.target_value is null or f.value is null then null
             when f.direction = 'higher' then round(f.value - f.target_value, 9) >= 0
             when f.direction = 'lower' then round(f.value - f.target_value, 9) <= 0
             else round(f.value - f.target_value, 9) = 0 end as target_reached,
        case f.direction when 'higher' then f.reference_value - f.value
             when 'lower' then f.value - f.reference_value end as worse_by,
        case when f.reference_value is not null and f.reference_value <> 0
             then (f.value - f.reference_value) / abs(f.reference_value) * 100 end
             as deviation_pct,
        case when f.previous_value is null or f.previous_value = 0 or f.value is null then null
             when f.direction = 'higher'
             then (f.value - f.previous_value) / abs(f.previous_value) * 100
             when f.direction = 'lower'
             then (f.previous_value - f.value) / abs(f.previous_value) * 100 end
             as improvement_pct
    from mart_indicator_fact f
    join goal_indicator gi using (kommun_id, indicator_id)
    left join core_kpi k on k.kpi_id = f.kpi_id
),
missing as (
    -- Why there is nothing to judge, when there is not.
    select *,
        case
            when kpi_removed then 'KPI:n finns inte längre i Koladas katalog'
            when value is not null then null
            when mode = 'forecast' then 'Prognos kan inte göras: ingen manuell prognos och för få tidigare värden'
            when not has_any_value and kpi_has_values then 'Inga värden för kommunen ännu'
            when not has_any_value then 'Nytt mått: inga värden ännu'
            when kpi_id is not null and period > coalesce(publ_period, year(current_date) - 1)
                then 'Inte publicerat ännu' || coalesce(' (nästa publicering ' || publication_date || ')', '')
            else 'Inget värde för perioden'
        end as missing_reason
    from fact
),
judged as (
    select *,
        case
            when missing_reason is not null then ['grey', missing_reason]
            when rule = 'monitor' then ['grey', 'Följs upp utan bedömning']
            when rule = 'target_only' then case
                when target_value is null then ['grey', 'Målvärde saknas för perioden']
                when target_reached then ['green', 'Målvärdet är nått']
                else ['red', 'Målvärdet är inte nått'] end
            when rule = 'trend' then case
                when previous_value is null then ['grey', 'Inget tidigare värde att jämföra med']
                when previous_value = 0 then ['grey', 'Tidigare värde är 0: förändringen kan inte beräknas i procent']
                when round(improvement_pct, 9) > trend_threshold_pct then ['green', 'Förbättrat sedan ' || previous_period]
                when round(improvement_pct, 9) < -trend_threshold_pct then ['red', 'Försämrat sedan ' || previous_period]
                else ['yellow', 'Oförändrat sedan ' || previous_period] end
            when rule = 'quartile' then case
                when quartile_position is null or ranked_count < 4
                    then ['grey', 'För få kommuner med värde för en kvartilrangordning']
                when round(quartile_position, 9) >= 0.75 then ['green', 'Bland de 25 % bästa kommunerna']
                when round(quartile_position, 9) <= 0.25 then ['red', 'Bland de 25 % sämsta kommunerna']
                else ['yellow', 'Mellan bästa och sämsta kvartilen'] end
            -- dorotea
            when target_reached then ['green', 'Målvärdet är nått']
            when direction = 'neutral' then ['grey', 'Neutral riktning: bedöms bara mot målvärde']
            when reference_value is null then ['grey', 'Referensvärde saknas']
            when reference_count < least(min_reference_count, reference_expected) then
                ['grey', 'För få kommuner i referensen (' || reference_count || ' av ' || reference_expected || ')']
            when round(worse_by, 9) <= 0 then ['green', 'I nivå med eller bättre än referensen']
            when tolerance_kind = 'absolute' then case
                when round(worse_by, 9) <= tolerance_value
                    then ['yellow', 'Sämre än referensen med högst ' || printf('%g', tolerance_value) || ' enheter']
                else ['red', 'Sämre än referensen med mer än ' || printf('%g', tolerance_value) || ' enheter'] end
            when reference_value = 0 then ['grey', 'Referensvärdet är 0: avvikelsen kan inte beräknas i procent']
            when round(worse_by / abs(reference_value) * 100, 9) <= tolerance_value
                then ['yellow', 'Sämre än referensen med högst ' || printf('%g', tolerance_value) || ' %']
            else ['red', 'Sämre än referensen med mer än ' || printf('%g', tolerance_value) || ' %']
        end as verdict
    from missing
)
select
    kommun_id, goal_id, indicator_id, indicator_title, kpi_id, gender, period, mode,
    value, value_basis, is_preliminary, value_source_label,
    reference_kind, reference_id, reference_period, reference_value, reference_count,
    reference_expected, target_value, direction, rule, deviation_pct,
    verdict[1] as status,
    verdict[2] || case when is_preliminary then ' (preliminärt värde)' else '' end as reason,
    case when verdict[1] = 'grey' then motivation end as motivation,
    case when kpi_id is null then 'Egen bearbetning av kommunens uppgifter'
         else 'Egen bearbetning av data från Kolada' end as source_label
from judged;

comment on table mart_indicator_status is 'Status of every indicator of every kommun, per mode (outcome = årsredovisning, forecast = delårsrapport) and period, with its reason. Grain: (kommun_id, indicator_id, mode, period).';
comment on column mart_indicator_status.kommun_id is 'Kommunkod, 4 characters';
comment on column mart_indicator_status.goal_id is 'The goal the indicator measures (goal.goal_id)';
comment on column mart_indicator_status.indicator_id is 'Indicator id from the goal definitions';
comment on column mart_indicator_status.indicator_title is 'The indicator''s title, or the KPI''s title in Kolada';
comment on column mart_indicator_status.kpi_id is 'Kolada KPI id; null for a local measure';
comment on column mart_indicator_status.gender is 'T total, K kvinnor, M män';
comment on column mart_indicator_status.period is 'The year the value is for';
comment on column mart_indicator_status.mode is 'outcome (utfall) or forecast (prognos)';
comment on column mart_indicator_status.value is 'The kommun''s value (Källa: Kolada for KPIs), or the forecast';
comment on column mart_indicator_status.value_basis is 'utfall, manuell prognos or trendprognos';
comment on column mart_indicator_status.is_preliminary is 'The value is preliminary in Kolada (before the final publication date)';
comment on column mart_indicator_status.value_source_label is 'Källa: Kolada on Kolada''s values; Kommunens egen uppgift; Egen prognos';
comment on column mart_indicator_status.reference_kind is 'county, riket, all_kommuner, group, kommuner or own_trend';
comment on column mart_indicator_status.reference_id is 'County code, 0000, group id, the listed kommuner, or the kommun itself';
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
comment on column mart_indicator_status.motivation is 'The motivation text from the goal definitions, shown with a grey status';
comment on column mart_indicator_status.source_label is 'Statuses are computed: Egen bearbetning av data från Kolada (never Källa: Kolada)';
