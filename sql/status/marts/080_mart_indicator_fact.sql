-- Facts for the analysis text of every KPI indicator and period with a value: the kommun's
-- rank among its county's kommuner and among all kommuner, its change over 1 and 3 years in
-- the indicator's better/worse sense, how many years in a row it got better (or worse), the
-- gap between women and men where the KPI is divided by gender, and whether the value is
-- preliminary. Periods from four years before the goal's mandate (the mandate before it) on:
-- the periods an analysis of the mandate speaks of; years in a row are counted from three
-- years before that. Ranks count kommuner only (never regions or Riket), and only those with a
-- value; rank 1 is the best, ties share a rank. A neutral indicator has no ranks or
-- better/worse facts, only its plain changes.
create or replace table mart_indicator_fact as
with indicator as (
    select indicator_key, kommun_id, indicator_id, kpi_id, gender, direction,
           mandate_first_year - 4 as first_period
    -- a unit's indicator has the unit's values, which are not ranked among kommuner
    from mart_indicator where kpi_id is not null and not kpi_removed and ou_id is null
),
-- The ways each KPI is ranked in: an indicator that is better higher ranks the KPI's values
-- from the highest, one better lower from the lowest (rarely both for one KPI).
kpi_way as (
    select kpi_id, gender, direction, min(first_period) as first_period
    from indicator group by all
),
kommun as (
    select municipality_id, substr(municipality_id, 1, 2) as county_code
    from core_municipality where municipality_type = 'K'
),
kommun_value as (
    select v.kpi_id, v.gender, v.period, v.municipality_id, k.county_code, v.value
    from core_kpi_value v
    semi join kpi_way w on w.kpi_id = v.kpi_id and w.gender = v.gender
    join kommun k using (municipality_id)
    where v.value is not null
),
ranked as (
    select w.kpi_id, w.gender, w.direction, v.period, v.municipality_id, v.county_code,
        rank() over (partition by w.kpi_id, w.gender, w.direction, v.period
                     order by case w.direction when 'higher' then -v.value else v.value end)
            as riket_rank,
        rank() over (partition by w.kpi_id, w.gender, w.direction, v.period, v.county_code
                     order by case w.direction when 'higher' then -v.value else v.value end)
            as county_rank
    from kpi_way w join kommun_value v using (kpi_id, gender)
    where w.direction in ('higher', 'lower') and v.period >= w.first_period
),
riket_count as (
    select kpi_id, gender, period, count(*) as riket_ranked from kommun_value group by all
),
county_count as (
    select kpi_id, gender, period, county_code, count(*) as county_ranked
    from kommun_value group by all
),
-- The kommun's values with those of one and three years before (range frames: exactly that
-- year, whatever years are missing between).
own as (
    select i.indicator_key, v.period, v.value,
        v.value - max(v.value) over (w range between 1 preceding and 1 preceding) as change_1y,
        v.value - max(v.value) over (w range between 3 preceding and 3 preceding) as change_3y
    from indicator i
    join kommun_value v
      on v.kpi_id = i.kpi_id and v.gender = i.gender and v.municipality_id = i.kommun_id
     and v.period >= i.first_period - 3  -- the changes of the first period look 3 years back
    window w as (partition by i.indicator_key order by v.period)
),
-- Changes in the better sense: positive is better whichever way the indicator points.
bettered as (
    select o.*,
        case i.direction when 'higher' then o.change_1y when 'lower' then -o.change_1y end
            as better_by_1y,
        case i.direction when 'higher' then o.change_3y when 'lower' then -o.change_3y end
            as better_by_3y
    from own o join indicator i using (indicator_key)
),
-- Runs of years that changed the same way (better +1, unchanged 0, worse -1): a run starts
-- where the way changes or a year has no change (no value the year before); its length is
-- the years since it started.
step as (
    select *, sign(round(better_by_1y, 9))::integer as way from bettered
),
run_start as (
    select *,
        case when way is distinct from lag(way) over w or way is null then period end
            as starts_at
    from step
    window w as (partition by indicator_key order by period)
),
streak as (
    select *,
        case when way is not null
             then way * (period - max(starts_at) over (
                 partition by indicator_key order by period rows unbounded preceding) + 1)
        end as years_in_row
    from run_start
),
-- Women's and men's values of the kommun, where Kolada divides the KPI by gender.
gendered as (
    select i.indicator_key, v.period,
        max(v.value) filter (v.gender = 'K') as value_women,
        max(v.value) filter (v.gender = 'M') as value_men
    from indicator i
    join core_kpi k on k.kpi_id = i.kpi_id and k.is_divided_by_gender
    join core_kpi_value v
      on v.kpi_id = i.kpi_id and v.municipality_id = i.kommun_id and v.gender in ('K', 'M')
     and v.period >= i.first_period
    group by i.indicator_key, v.period
),
final as (
    select i.kommun_id, i.indicator_id, i.kpi_id, i.gender, i.direction, s.period, s.value,
        r.county_rank::integer as county_rank, cc.county_ranked::integer as county_ranked,
        r.riket_rank::integer as riket_rank, rc.riket_ranked::integer as riket_ranked,
        s.change_1y, s.change_3y, s.better_by_1y, s.better_by_3y,
        case when i.direction in ('higher', 'lower') then s.years_in_row end::integer
            as better_years_in_row,
        g.value_women, g.value_men, g.value_women - g.value_men as gender_gap,
        coalesce(st.is_preliminary, false) as is_preliminary
    from streak s
    join indicator i using (indicator_key)
    left join ranked r
      on r.kpi_id = i.kpi_id and r.gender = i.gender and r.direction = i.direction
     and r.period = s.period and r.municipality_id = i.kommun_id
    left join riket_count rc
      on rc.kpi_id = i.kpi_id and rc.gender = i.gender and rc.period = s.period
    left join county_count cc
      on cc.kpi_id = i.kpi_id and cc.gender = i.gender and cc.period = s.period
     and cc.county_code = substr(i.kommun_id, 1, 2)
    left join gendered g on g.indicator_key = s.indicator_key and g.period = s.period
    left join mart_indicator_status_row st
      on st.indicator_key = s.indicator_key and st.mode = 'outcome' and st.period = s.period
    where s.period >= i.first_period
)
select * from final;

comment on table mart_indicator_fact is 'Facts for the analysis text of a KPI indicator in one period: ranks in the county and among all kommuner, changes, years in a row better or worse, the gender gap, preliminary or not. Egen bearbetning av data från Kolada. Grain: (kommun_id, indicator_id, period).';
comment on column mart_indicator_fact.kommun_id is 'Kommunkod, 4 characters';
comment on column mart_indicator_fact.indicator_id is 'Indicator id from the goal definitions';
comment on column mart_indicator_fact.kpi_id is 'Kolada KPI id';
comment on column mart_indicator_fact.gender is 'The gender the indicator follows: T, K or M';
comment on column mart_indicator_fact.direction is 'higher or lower is better, or neutral';
comment on column mart_indicator_fact.period is 'The year of the value';
comment on column mart_indicator_fact.value is 'The kommun''s value (Källa: Kolada)';
comment on column mart_indicator_fact.county_rank is 'Place among the county''s kommuner with a value, 1 the best; null for a neutral indicator';
comment on column mart_indicator_fact.county_ranked is 'How many of the county''s kommuner had a value';
comment on column mart_indicator_fact.riket_rank is 'Place among all kommuner with a value, 1 the best; null for a neutral indicator';
comment on column mart_indicator_fact.riket_ranked is 'How many kommuner had a value';
comment on column mart_indicator_fact.change_1y is 'Value minus the value of the year before';
comment on column mart_indicator_fact.change_3y is 'Value minus the value three years before';
comment on column mart_indicator_fact.better_by_1y is 'change_1y in the better sense: positive is better; null for a neutral indicator';
comment on column mart_indicator_fact.better_by_3y is 'change_3y in the better sense: positive is better; null for a neutral indicator';
comment on column mart_indicator_fact.better_years_in_row is 'Years in a row, up to this one, that each got better than the year before (positive), worse (negative), or 0 when unchanged; null without the year before or for a neutral indicator';
comment on column mart_indicator_fact.value_women is 'The kommun''s value for women (K), where Kolada divides the KPI by gender';
comment on column mart_indicator_fact.value_men is 'The kommun''s value for men (M), where Kolada divides the KPI by gender';
comment on column mart_indicator_fact.gender_gap is 'value_women minus value_men';
comment on column mart_indicator_fact.is_preliminary is 'The value is preliminary in Kolada';
