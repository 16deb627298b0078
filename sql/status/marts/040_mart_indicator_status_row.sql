-- The status of every indicator, per mode and period, with the reason for it: the stored rows
-- behind the views mart_indicator_status and mart_indicator_report, which add the columns
-- that depend on the indicator alone from mart_indicator. One statement, so that what a status
-- is judged from (the outcome and forecast facts) is never written out.
-- Outcome rows cover every period the KPI has values for, every target year and every
-- mandate year. Forecast rows (delårsrapport) cover every mandate year, and every year with a
-- manual forecast, that has no outcome value yet.
-- Rules (docs/goal-definitions.md): dorotea (default), target_only, trend, quartile, monitor.
-- Comparisons are rounded to 9 decimals so that an exact tie or an exact 10 % is not lost
-- to floating point.
-- Look-ups join on integers (indicator_key, period) where they can: far cheaper than on ids.
create or replace table mart_indicator_status_row as
with indicator as (
    select indicator_key, kommun_id, indicator_id, kpi_id, gender, direction, rule,
        reference_kind, reference_id, reference_kommuner, reference_years, tolerance_kind,
        tolerance_value, min_reference_count, trend_threshold_pct, mandate_first_year,
        mandate_last_year, kpi_removed, publ_period, prel_publication_date, publication_date,
        ou_id
    from mart_indicator
),
kpi_period as (
    select kpi_id, period, bool_or(value is not null) as has_value
    from core_kpi_value group by kpi_id, period
),
-- The periods an organisational unit has values in, for the indicators that follow one.
unit_period as (
    select v.kpi_id, v.ou_id, v.period
    from core_ou_value v
    semi join indicator i on i.kpi_id = v.kpi_id and i.ou_id = v.ou_id
    group by all
),

local_value as (
    select i.indicator_key, l.period, l.value
    from goal_local_value l join indicator i using (kommun_id, indicator_id)
),
-- The mandate, target and local-value years of every indicator.
indicator_year as (
    select indicator_key, kpi_id, ou_id,
           unnest(range(mandate_first_year, mandate_last_year + 1))::integer as period
    from indicator
    union all
    select i.indicator_key, i.kpi_id, i.ou_id, t.period
    from goal_indicator_target t join indicator i using (kommun_id, indicator_id)
    union all
    select indicator_key, null, null, period from local_value
),
-- Those that the KPI (or the unit) has no values for.
extra_period as (
    select distinct indicator_key, kpi_id, period
    from indicator_year e
    where e.ou_id is null
      and not exists (select 1 from kpi_period p where p.kpi_id = e.kpi_id and p.period = e.period)
    union
    select indicator_key, kpi_id, period
    from indicator_year e
    where e.ou_id is not null
      and not exists (
          select 1 from unit_period u
          where u.kpi_id = e.kpi_id and u.ou_id = e.ou_id and u.period = e.period
      )
),
-- A unit's references: its kommun's own value, or the mean of the kommun's units with a
-- value (of those that have the KPI in any period).
kommun_of_unit as (
    select i.indicator_key, v.period, v.value as reference_value,
           (v.value is not null)::integer as reference_count, 1 as reference_expected
    from indicator i
    join core_kpi_value v
      on v.kpi_id = i.kpi_id and v.municipality_id = i.kommun_id and v.gender = i.gender
    where i.reference_kind = 'kommun'
),
unit_of_kommun as (
    select i.indicator_key, v.ou_id, v.period, v.value
    from indicator i
    join core_ou u on u.municipality_id = i.kommun_id
    join core_ou_value v on v.kpi_id = i.kpi_id and v.ou_id = u.ou_id and v.gender = i.gender
    where i.reference_kind = 'own_units'
),
own_units_mean as (
    select indicator_key, period, avg(value) as reference_value,
           count(value) as reference_count,
           any_value(units) as reference_expected
    from (
        select *, count(distinct ou_id) over (partition by indicator_key) as units
        from unit_of_kommun
    )
    group by indicator_key, period
),
unit_reference as (
    select * from kommun_of_unit
    union all
    select * from own_units_mean
),
-- The kommun's own value (Kolada's, or the kommun's for a local measure), or the unit's with
-- its reference, in every period.
observed as materialized (
    select i.indicator_key, p.period, v.value, null::double as unit_reference_value,
           null::bigint as unit_reference_count, null::bigint as unit_reference_expected
    from indicator i
    join kpi_period p using (kpi_id)
    left join core_kpi_value v
      on v.kpi_id = i.kpi_id and v.municipality_id = i.kommun_id and v.gender = i.gender
     and v.period = p.period
    where i.ou_id is null
    union all
    select i.indicator_key, u.period, v.value,
           r.reference_value, r.reference_count, r.reference_expected
    from indicator i
    join unit_period u on u.kpi_id = i.kpi_id and u.ou_id = i.ou_id
    left join core_ou_value v
      on v.kpi_id = i.kpi_id and v.ou_id = i.ou_id and v.gender = i.gender
     and v.period = u.period
    left join unit_reference r on r.indicator_key = i.indicator_key and r.period = u.period
    union all
    select e.indicator_key, e.period, l.value, null, null, null
    from extra_period e left join local_value l using (indicator_key, period)
),
-- Earlier values are looked up only where they count: the trend rule, an own_trend reference.
trend_rule_value as (
    select o.indicator_key, o.period, o.value
    from observed o semi join indicator i on i.indicator_key = o.indicator_key and i.rule = 'trend'
),
own_trend_value as (
    select o.indicator_key, o.period, o.value
    from observed o
    semi join indicator i
      on i.indicator_key = o.indicator_key and i.reference_kind = 'own_trend'
),
-- The kommuner of a kommuner reference.
listed_member as (
    select indicator_key, kpi_id, gender, unnest(reference_kommuner) as member_id,
           len(reference_kommuner) as expected
    from indicator where reference_kind = 'kommuner'
),
listed_mean as (
    select l.indicator_key, v.period,
           avg(v.value) as reference_value, count(v.value) as reference_count,
           any_value(l.expected) as reference_expected
    from listed_member l
    join core_kpi_value v
      on v.kpi_id = l.kpi_id and v.gender = l.gender and v.municipality_id = l.member_id
    group by l.indicator_key, v.period
),
-- The quartile rule's basis among all kommuner with a value: the kommun's place (1 the
-- best) and the limits of the best and the worst quartile (quantile_cont, as a spreadsheet's
-- QUARTILE.INC), both for each direction.
ranked as (
    select v.kpi_id, v.gender, v.period, v.municipality_id, v.value,
           rank() over w_high as rank_high, rank() over w_low as rank_low,
           count(*) over w as ranked_count,
           quantile_cont(v.value, 0.25) over w as lower_quartile,
           quantile_cont(v.value, 0.75) over w as upper_quartile
    from core_kpi_value v
    semi join indicator i on i.kpi_id = v.kpi_id and i.gender = v.gender and i.rule = 'quartile'
    semi join core_municipality m
      on m.municipality_id = v.municipality_id and m.municipality_type = 'K'
    where v.value is not null
    window w as (partition by v.kpi_id, v.gender, v.period),
           w_high as (partition by v.kpi_id, v.gender, v.period order by v.value desc),
           w_low as (partition by v.kpi_id, v.gender, v.period order by v.value)
),
target as (
    select i.indicator_key, t.period, t.target_value
    from goal_indicator_target t join indicator i using (kommun_id, indicator_id)
),
outcome as materialized (
    select o.indicator_key, o.period, o.value,
        o.period between i.mandate_first_year and i.mandate_last_year as in_mandate,
        coalesce(case when i.reference_kind = 'own_trend' then o.period - i.reference_years end,
                 o.period) as reference_period,
        -- A quartile status is judged by the kommun's place among all kommuner, never by a
        -- mean: its reference columns hold the ranked kommuner.
        case when i.rule = 'quartile' then null
             when i.reference_kind in ('kommun', 'own_units') then o.unit_reference_value
             when i.reference_kind = 'kommuner' then lm.reference_value
             when i.reference_kind = 'own_trend' then ot.value
             else r.reference_value end as reference_value,
        case when i.rule = 'quartile' then q.ranked_count
             when i.reference_kind in ('kommun', 'own_units') then o.unit_reference_count
             when i.reference_kind = 'kommuner' then lm.reference_count
             when i.reference_kind = 'own_trend' then (ot.value is not null)::integer
             else r.reference_count end as reference_count,
        case when i.rule = 'quartile' then k.kommun_count
             when i.reference_kind in ('kommun', 'own_units') then o.unit_reference_expected
             when i.reference_kind = 'kommuner' then lm.reference_expected
             when i.reference_kind = 'own_trend' then 1
             else r.reference_expected end as reference_expected,
        t.target_value,
        o.period - coalesce(i.reference_years, 1) as previous_period,
        prev.value as previous_value,
        case i.direction when 'higher' then q.rank_high
             when 'lower' then q.rank_low end as rank_position,
        q.ranked_count,
        case i.direction when 'higher' then q.upper_quartile
             when 'lower' then q.lower_quartile end as best_quartile_limit,
        case i.direction when 'higher' then q.lower_quartile
             when 'lower' then q.upper_quartile end as worst_quartile_limit
    from observed o
    join indicator i using (indicator_key)
    left join mart_reference_value r
      on r.reference_kind = i.reference_kind and r.reference_id = i.reference_id
     and r.kpi_id = i.kpi_id and r.gender = i.gender and r.period = o.period
    left join listed_mean lm on lm.indicator_key = o.indicator_key and lm.period = o.period
    left join own_trend_value ot
      on ot.indicator_key = o.indicator_key and ot.period = o.period - i.reference_years
    left join trend_rule_value prev
      on prev.indicator_key = o.indicator_key
     and prev.period = o.period - coalesce(i.reference_years, 1)
    left join target t on t.indicator_key = o.indicator_key and t.period = o.period
    left join ranked q
      on q.kpi_id = i.kpi_id and q.gender = i.gender and q.period = o.period
     and q.municipality_id = i.kommun_id
    cross join (select count(*) as kommun_count from core_municipality
                where municipality_type = 'K') k
),
manual_forecast as (
    select i.indicator_key, f.period, f.forecast_value
    from goal_indicator_forecast f join indicator i using (kommun_id, indicator_id)
),
forecast_year as (
    select o.indicator_key, o.period, o.in_mandate, o.target_value, f.forecast_value
    from outcome o
    left join manual_forecast f using (indicator_key, period)
    where o.value is null and (o.in_mandate or f.forecast_value is not null)
),
-- A linear extrapolation of the kommun's last (at most 3, at least 2) values of the 5 years
-- before.
recent as (
    select y.indicator_key, y.period as forecast_period, o.period, o.value
    from forecast_year y
    join observed o
      on o.indicator_key = y.indicator_key
     and o.period between y.period - 5 and y.period - 1 and o.value is not null
    qualify row_number() over (partition by y.indicator_key, y.period order by o.period desc) <= 3
),
-- The trend has no more decimals than the values it is made from (at most 2, as
-- round(value, d) = value tells).
trend as (
    select indicator_key, forecast_period,
           -- + 0.0 makes a -0.0 from rounding a small negative number 0.0
           case when count(*) >= 2 and max(period) >= forecast_period - 3
                then round(regr_intercept(value, period) + regr_slope(value, period) * forecast_period,
                           max(case when value = round(value, 0) then 0
                                    when value = round(value, 1) then 1 else 2 end)) + 0.0
           end as trend_value,
           arg_max(value, period) as latest_value, max(period) as latest_period
    from recent
    group by indicator_key, forecast_period
),
-- What was known by a forecast year, as the latest period up to it with a reference (the
-- forecast is judged against it), with a reference and a quartile position (the quartile
-- rule's position and count come from there), and with a value (an outcome report shows it).
-- Forecast years mostly come after all of these: the latest periods of the indicator serve
-- them, and only the others look through the periods up to the year.
latest_period as (
    select indicator_key,
        max(period) filter (reference_value is not null) as reference_row,
        max(period) filter (rank_position is not null) as quartile_row,
        max(period) filter (value is not null) as valued_period
    from outcome
    group by indicator_key
),
known_period as (
    select y.indicator_key, y.period as forecast_period,
        l.reference_row, l.quartile_row, l.valued_period
    from forecast_year y join latest_period l using (indicator_key)
    where y.period >= coalesce(greatest(l.reference_row, l.quartile_row, l.valued_period), y.period)
    union all
    select y.indicator_key, y.period,
        max(o.period) filter (o.reference_value is not null),
        max(o.period) filter (o.rank_position is not null),
        max(o.period) filter (o.value is not null)
    from forecast_year y
    join latest_period l using (indicator_key)
    join outcome o on o.indicator_key = y.indicator_key and o.period <= y.period
    where y.period < greatest(l.reference_row, l.quartile_row, l.valued_period)
    group by y.indicator_key, y.period
),
-- The outcome report for a mandate year shows the latest period up to the year with a value
-- (Kolada publishes a year late), else the year itself (grey).
outcome_report_year as (
    select indicator_key, period, period as report_year
    from outcome where value is not null and in_mandate
    union all
    select y.indicator_key, coalesce(k.valued_period, y.period), y.period
    from forecast_year y
    join known_period k
      on k.indicator_key = y.indicator_key and k.forecast_period = y.period
    where y.in_mandate
),
outcome_report as (
    select indicator_key, period, list(report_year order by report_year) as report_years
    from outcome_report_year
    group by indicator_key, period
),
fact as (
    select o.indicator_key, 'outcome' as mode, o.period, o.value,
        case when o.value is null then null else 'utfall' end as value_basis,
        o.reference_period, o.reference_value, o.reference_count, o.reference_expected,
        o.target_value, o.previous_period, o.previous_value, o.rank_position, o.ranked_count,
        o.best_quartile_limit, o.worst_quartile_limit, null::double as trend_value,
        r.report_years as outcome_report_years,
        -- the forecast report shows the outcome where there is one
        o.in_mandate and o.value is not null as in_forecast_report
    from outcome o
    left join outcome_report r using (indicator_key, period)
    union all
    select y.indicator_key, 'forecast', y.period,
        coalesce(y.forecast_value, t.trend_value),
        case when y.forecast_value is not null then 'manuell prognos'
             when t.trend_value is not null then 'trendprognos' end,
        -- a quartile forecast is judged by the latest known ranking (q), the others by the
        -- latest known reference (r)
        coalesce(r.reference_period, q.reference_period), r.reference_value,
        coalesce(r.reference_count, q.reference_count),
        coalesce(r.reference_expected, q.reference_expected),
        y.target_value, t.latest_period, t.latest_value, q.rank_position, q.ranked_count,
        q.best_quartile_limit, q.worst_quartile_limit, t.trend_value,
        null, y.in_mandate
    from forecast_year y
    left join trend t on t.indicator_key = y.indicator_key and t.forecast_period = y.period
    left join known_period k
      on k.indicator_key = y.indicator_key and k.forecast_period = y.period
    left join outcome r on r.indicator_key = y.indicator_key and r.period = k.reference_row
    left join outcome q on q.indicator_key = y.indicator_key and q.period = k.quartile_row
),
-- The tolerance as the reasons write it.
indicator_tolerance as (
    select *, printf('%g', tolerance_value) as tolerance_text from indicator
),
indicator_state as (
    select i.indicator_key, l.valued_period is not null as has_any_value,
        coalesce(i.kpi_id in (select kpi_id from kpi_period where has_value), false)
            as kpi_has_values
    from indicator i join latest_period l using (indicator_key)
),
compared as (
    select f.*, i.kpi_id, i.ou_id, i.direction, i.rule, i.tolerance_kind, i.tolerance_value,
        i.tolerance_text, i.min_reference_count, i.trend_threshold_pct, i.kpi_removed,
        i.publ_period, i.publication_date, s.has_any_value, s.kpi_has_values,
        f.mode = 'outcome' and coalesce(i.kpi_id is not null and f.period = i.publ_period
             and current_date >= i.prel_publication_date
             and current_date < i.publication_date, false) as is_preliminary,
        case when f.target_value is null or f.value is null then null
             when i.direction = 'higher' then round(f.value - f.target_value, 9) >= 0
             when i.direction = 'lower' then round(f.value - f.target_value, 9) <= 0
             else round(f.value - f.target_value, 9) = 0 end as target_reached,
        case i.direction when 'higher' then f.reference_value - f.value
             when 'lower' then f.value - f.reference_value end as worse_by,
        case i.direction when 'higher' then f.value - f.best_quartile_limit
             when 'lower' then f.best_quartile_limit - f.value end as better_than_best_quartile,
        case i.direction when 'higher' then f.value - f.worst_quartile_limit
             when 'lower' then f.worst_quartile_limit - f.value end as better_than_worst_quartile,

        case when f.previous_value is null or f.previous_value = 0 or f.value is null then null
             when i.direction = 'higher'
             then (f.value - f.previous_value) / abs(f.previous_value) * 100
             when i.direction = 'lower'
             then (f.previous_value - f.value) / abs(f.previous_value) * 100 end
             as improvement_pct
    from fact f
    join indicator_tolerance i using (indicator_key)
    join indicator_state s using (indicator_key)
),
missing as (
    -- Why there is nothing to judge, when there is not.
    select *,
        case
            when kpi_removed then 'KPI:n finns inte längre i Koladas katalog'
            when value is not null then null
            when mode = 'forecast' then 'Prognos kan inte göras: ingen manuell prognos och för få tidigare värden'
            when not has_any_value and ou_id is not null then 'Inga värden för enheten ännu'
            when not has_any_value and kpi_has_values then 'Inga värden för kommunen ännu'
            when not has_any_value then 'Nytt mått: inga värden ännu'
            when kpi_id is not null and period > coalesce(publ_period, year(current_date) - 1)
                then 'Inte publicerat ännu' || coalesce(' (nästa publicering ' || publication_date || ')', '')
            else 'Inget värde för perioden'
        end as missing_reason
    from compared
),
judged as (
    select *,
        case
            when missing_reason is not null then {'status': 'grey', 'reason': missing_reason}
            when rule = 'monitor' then {'status': 'grey', 'reason': 'Följs upp utan bedömning'}
            when rule = 'target_only' then case
                when target_value is null then {'status': 'grey', 'reason': 'Målvärde saknas för perioden'}
                when target_reached then {'status': 'green', 'reason': 'Målvärdet är nått'}
                else {'status': 'red', 'reason': 'Målvärdet är inte nått'} end
            when rule = 'trend' then case
                when previous_value is null then {'status': 'grey', 'reason': 'Inget tidigare värde att jämföra med'}
                when previous_value = 0 then {'status': 'grey', 'reason': 'Tidigare värde är 0: förändringen kan inte beräknas i procent'}
                when round(improvement_pct, 9) > trend_threshold_pct then {'status': 'green', 'reason': 'Förbättrat sedan ' || previous_period}
                when round(improvement_pct, 9) < -trend_threshold_pct then {'status': 'red', 'reason': 'Försämrat sedan ' || previous_period}
                else {'status': 'yellow', 'reason': 'Oförändrat sedan ' || previous_period} end
            when rule = 'quartile' then case
                when rank_position is null or ranked_count < 4
                    then {'status': 'grey', 'reason': 'För få kommuner med värde för en kvartilrangordning'}
                -- the place is the latest known one: a forecast's is that of the outcome it follows
                when round(better_than_best_quartile, 9) >= 0
                    then {'status': 'green', 'reason': printf('Bland de 25 %% bästa kommunerna (plats %d av %d kommuner %d; gränsen %s)', rank_position, ranked_count, reference_period, replace(printf('%.1f', best_quartile_limit), '.', ','))}
                when round(better_than_worst_quartile, 9) <= 0
                    then {'status': 'red', 'reason': printf('Bland de 25 %% sämsta kommunerna (plats %d av %d kommuner %d; gränsen %s)', rank_position, ranked_count, reference_period, replace(printf('%.1f', worst_quartile_limit), '.', ','))}
                else {'status': 'yellow', 'reason': printf('Mellan bästa och sämsta kvartilen (plats %d av %d kommuner %d; gränserna %s och %s)', rank_position, ranked_count, reference_period, replace(printf('%.1f', worst_quartile_limit), '.', ','), replace(printf('%.1f', best_quartile_limit), '.', ','))} end
            -- dorotea
            when target_reached then {'status': 'green', 'reason': 'Målvärdet är nått'}
            when direction = 'neutral' then {'status': 'grey', 'reason': 'Neutral riktning: bedöms bara mot målvärde'}
            when reference_value is null then {'status': 'grey', 'reason': 'Referensvärde saknas'}
            when reference_count < least(min_reference_count, reference_expected) then
                {'status': 'grey', 'reason': 'För få kommuner i referensen (' || reference_count || ' av ' || reference_expected || ')'}
            when round(worse_by, 9) <= 0 then {'status': 'green', 'reason': 'I nivå med eller bättre än referensen'}
            when tolerance_kind = 'absolute' then case
                when round(worse_by, 9) <= tolerance_value
                    then {'status': 'yellow', 'reason': 'Sämre än referensen med högst ' || tolerance_text || ' enheter'}
                else {'status': 'red', 'reason': 'Sämre än referensen med mer än ' || tolerance_text || ' enheter'} end
            when reference_value = 0 then {'status': 'grey', 'reason': 'Referensvärdet är 0: avvikelsen kan inte beräknas i procent'}
            when round(worse_by / abs(reference_value) * 100, 9) <= tolerance_value
                then {'status': 'yellow', 'reason': 'Sämre än referensen med högst ' || tolerance_text || ' %'}
            else {'status': 'red', 'reason': 'Sämre än referensen med mer än ' || tolerance_text || ' %'}
        end as verdict
    from missing
),
-- The few-valued text columns are stored as enums: far cheaper to write than varchar.
final as (
    select indicator_key, mode::enum('outcome', 'forecast') as mode, period::bigint as period,
        value, value_basis::enum('utfall', 'manuell prognos', 'trendprognos') as value_basis,
        is_preliminary, reference_period::bigint as reference_period, reference_value,
        reference_count::bigint as reference_count,
        reference_expected::bigint as reference_expected, target_value,
        verdict.status::enum('green', 'yellow', 'red', 'grey') as status,
        case when is_preliminary then verdict.reason || ' (preliminärt värde)'
             else verdict.reason end as reason,
        outcome_report_years, in_forecast_report,
        rank_position::bigint as rank_position, best_quartile_limit, worst_quartile_limit,
        trend_value
    from judged
)
select * from final;

comment on table mart_indicator_status_row is 'The rows behind mart_indicator_status and mart_indicator_report: what changes from period to period. Read the views: they add the indicator''s columns from mart_indicator. Grain: (indicator_key, mode, period).';
comment on column mart_indicator_status_row.indicator_key is 'The indicator (mart_indicator.indicator_key)';
comment on column mart_indicator_status_row.mode is 'outcome (utfall) or forecast (prognos)';
comment on column mart_indicator_status_row.period is 'The year the value is for';
comment on column mart_indicator_status_row.value is 'The kommun''s value (Källa: Kolada for KPIs), or the forecast';
comment on column mart_indicator_status_row.value_basis is 'utfall, manuell prognos or trendprognos';
comment on column mart_indicator_status_row.is_preliminary is 'The value is preliminary in Kolada (before the final publication date)';
comment on column mart_indicator_status_row.reference_period is 'The period of the reference value';
comment on column mart_indicator_status_row.reference_value is 'The reference value (mart_reference_value, or for kommuner, kommun and own_units computed here); null for the quartile rule, which is judged by the place, not a mean';
comment on column mart_indicator_status_row.reference_count is 'How many kommuner contributed to the reference value (quartile rule: how many were ranked)';
comment on column mart_indicator_status_row.reference_expected is 'How many kommuner the reference has (quartile rule: all kommuner)';
comment on column mart_indicator_status_row.target_value is 'The målvärde for the period, if any';
comment on column mart_indicator_status_row.rank_position is 'For the quartile rule: the kommun''s place among all kommuner with a value, 1 the best (a forecast: the latest known place)';
comment on column mart_indicator_status_row.best_quartile_limit is 'For the quartile rule: the value at or beyond which a kommun is among the best 25 % (quantile_cont 0.75, or 0.25 when lower is better)';
comment on column mart_indicator_status_row.worst_quartile_limit is 'For the quartile rule: the value at or beyond which a kommun is among the worst 25 %';
comment on column mart_indicator_status_row.trend_value is 'For a forecast: the linear trend of the latest values, also where a manual forecast is used instead';
comment on column mart_indicator_status_row.status is 'green, yellow, red or grey';
comment on column mart_indicator_status_row.reason is 'Why this status, in Swedish; grey always has one';
comment on column mart_indicator_status_row.outcome_report_years is 'The years whose outcome report (mart_indicator_report) shows this row: its own year if in the mandate and it has a value, and the following mandate years without one; else null';
comment on column mart_indicator_status_row.in_forecast_report is 'The forecast report (mart_indicator_report) for this mandate year shows this row: the forecast, or the outcome when there is one';
