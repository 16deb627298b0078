-- Everything a status is judged from, one row per (kommun_id, indicator_id, mode, period):
-- the value (outcome, or a forecast), its reference, target and earlier value.
-- Outcome rows cover every period the KPI has values for, every target year and every
-- mandate year; forecast rows are added by the next file.
create or replace table mart_indicator_fact as
with indicator as (
    select i.*, g.mandate_first_year, g.mandate_last_year,
           k.kpi_id is not null as kpi_exists,
           try_cast(k.publ_period as integer) as publ_period,
           k.prel_publication_date, k.publication_date,
           case i.reference_kind
               when 'county' then substr(i.kommun_id, 1, 2)
               when 'riket' then '0000'
               when 'all_kommuner' then 'G2328'
               when 'group' then i.reference_group_id
           end as reference_id
    from goal_indicator i
    join goal g using (kommun_id, goal_id)
    left join core_kpi k on k.kpi_id = i.kpi_id
),
kpi_period as (select distinct kpi_id, period from core_kpi_value),
period as (
    select distinct kommun_id, indicator_id, period from (
        select i.kommun_id, i.indicator_id, p.period
        from indicator i join kpi_period p using (kpi_id)
        union all select kommun_id, indicator_id, period from goal_indicator_target
        union all select kommun_id, indicator_id, period from goal_local_value
        union all
        select kommun_id, indicator_id, unnest(range(mandate_first_year, mandate_last_year + 1))
        from indicator
    )
),
own as (
    select i.kommun_id, i.indicator_id, v.period, v.value
    from indicator i
    join core_kpi_value v
      on v.kpi_id = i.kpi_id and v.municipality_id = i.kommun_id and v.gender = i.gender
    union all
    select kommun_id, indicator_id, period, value from goal_local_value
),
listed_mean as (
    select l.kommun_id, l.indicator_id, v.period,
           avg(v.value) as reference_value, count(v.value) as reference_count,
           any_value(l.expected) as reference_expected
    from (
        select kommun_id, indicator_id, kpi_id, gender, unnest(reference_kommuner) as member_id,
               len(reference_kommuner) as expected
        from indicator where reference_kind = 'kommuner'
    ) l
    join core_kpi_value v
      on v.kpi_id = l.kpi_id and v.gender = l.gender and v.municipality_id = l.member_id
    group by l.kommun_id, l.indicator_id, v.period
),
quartile_kpi as (select distinct kpi_id, gender from indicator where rule = 'quartile'),
ranked as (
    select v.kpi_id, v.gender, v.period, v.municipality_id,
           percent_rank() over (partition by v.kpi_id, v.gender, v.period order by v.value)
               as rank_ascending,
           count(*) over (partition by v.kpi_id, v.gender, v.period) as ranked_count
    from core_kpi_value v
    join quartile_kpi using (kpi_id, gender)
    join core_municipality m on m.municipality_id = v.municipality_id and m.municipality_type = 'K'
    where v.value is not null
),
has_value as (select distinct kommun_id, indicator_id from own where value is not null),
kpi_with_values as (select distinct kpi_id from core_kpi_value where value is not null),
-- Periods to look back to, as columns, so that every join below is an equi-join.
indicator_period as (
    select p.period, i.*,
           case when i.reference_kind = 'own_trend' then p.period - i.reference_years end
               as own_reference_period,
           p.period - coalesce(i.reference_years, 1) as previous_period
    from period p join indicator i using (kommun_id, indicator_id)
)
select
    i.kommun_id, i.indicator_id, i.goal_id, i.kpi_id, i.gender, i.direction, i.rule,
    i.tolerance_kind, i.tolerance_value, i.min_reference_count, i.trend_threshold_pct,
    i.motivation, i.kpi_id is not null and not i.kpi_exists as kpi_removed,
    i.publ_period, i.publication_date,
    'outcome' as mode, i.period,
    o.value,
    case when o.value is null then null
         when i.kpi_id is null then 'Kommunens egen uppgift'
         else 'Källa: Kolada' end as value_source_label,
    case when o.value is null then null else 'utfall' end as value_basis,
    coalesce(i.kpi_id is not null and i.period = i.publ_period
             and current_date >= i.prel_publication_date
             and current_date < i.publication_date, false) as is_preliminary,
    h.kommun_id is not null as has_any_value,
    kv.kpi_id is not null as kpi_has_values,
    i.reference_kind,
    case i.reference_kind when 'kommuner' then array_to_string(i.reference_kommuner, ',')
         when 'own_trend' then i.kommun_id else i.reference_id end as reference_id,
    coalesce(i.own_reference_period, i.period) as reference_period,
    case i.reference_kind when 'kommuner' then lm.reference_value
         when 'own_trend' then ot.value else r.reference_value end as reference_value,
    case i.reference_kind when 'kommuner' then lm.reference_count
         when 'own_trend' then (ot.value is not null)::integer
         else r.reference_count end as reference_count,
    case i.reference_kind when 'kommuner' then lm.reference_expected
         when 'own_trend' then 1 else r.reference_expected end as reference_expected,
    t.target_value,
    i.previous_period,
    prev.value as previous_value,
    case i.direction when 'higher' then q.rank_ascending
         when 'lower' then 1 - q.rank_ascending end as quartile_position,
    q.ranked_count
from indicator_period i
left join own o
  on o.kommun_id = i.kommun_id and o.indicator_id = i.indicator_id and o.period = i.period
left join has_value h on h.kommun_id = i.kommun_id and h.indicator_id = i.indicator_id
left join kpi_with_values kv on kv.kpi_id = i.kpi_id
left join mart_reference_value r
  on r.reference_kind = i.reference_kind and r.reference_id = i.reference_id
 and r.kpi_id = i.kpi_id and r.period = i.period and r.gender = i.gender
left join listed_mean lm
  on lm.kommun_id = i.kommun_id and lm.indicator_id = i.indicator_id and lm.period = i.period
left join own ot
  on ot.kommun_id = i.kommun_id and ot.indicator_id = i.indicator_id
 and ot.period = i.own_reference_period
left join own prev
  on prev.kommun_id = i.kommun_id and prev.indicator_id = i.indicator_id
 and prev.period = i.previous_period
left join goal_indicator_target t
  on t.kommun_id = i.kommun_id and t.indicator_id = i.indicator_id and t.period = i.period
left join ranked q
  on q.kpi_id = i.kpi_id and q.gender = i.gender and q.period = i.period
 and q.municipality_id = i.kommun_id;

comment on table mart_indicator_fact is 'What each indicator status is judged from. Grain: (kommun_id, indicator_id, mode, period).';
