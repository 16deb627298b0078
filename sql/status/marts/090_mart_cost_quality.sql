-- Quality against cost: for every cost-quality pair of a goal (goal_cost_quality) and period,
-- every kommun of the pair's reference with a value for both KPIs, the kommun itself
-- always among them, with the means of those kommuner and each kommun's quadrant: higher
-- (better, in the quality indicator's direction) or lower quality than the mean, at lower or
-- higher cost. A value equal to the mean counts as higher quality or lower cost.
create or replace table mart_cost_quality as
with pair as (
    select p.kommun_id, p.goal_id, p.quality_indicator_id, p.cost_indicator_id,
           p.reference_kind, p.reference_group_id, p.reference_kommuner,
           q.kpi_id as quality_kpi_id, q.gender as quality_gender,
           q.direction as quality_direction,
           c.kpi_id as cost_kpi_id, c.gender as cost_gender
    from goal_cost_quality p
    join mart_indicator q on q.kommun_id = p.kommun_id and q.indicator_id = p.quality_indicator_id
    join mart_indicator c on c.kommun_id = p.kommun_id and c.indicator_id = p.cost_indicator_id
    where q.kpi_id is not null and c.kpi_id is not null
),
kommun as (
    select municipality_id, title, substr(municipality_id, 1, 2) as county_code
    from core_municipality where municipality_type = 'K'
),
-- The kommuner of each pair's reference; union, not union all: the kommun is in most of
-- them already.
member as (
    select p.kommun_id, p.goal_id, p.quality_indicator_id, p.cost_indicator_id,
           k.municipality_id as member_id
    from pair p join kommun k on k.county_code = substr(p.kommun_id, 1, 2)
    where p.reference_kind = 'county'
    union
    select p.kommun_id, p.goal_id, p.quality_indicator_id, p.cost_indicator_id, k.municipality_id
    from pair p cross join kommun k
    where p.reference_kind = 'all_kommuner'
    union
    select p.kommun_id, p.goal_id, p.quality_indicator_id, p.cost_indicator_id, m.member_id
    from pair p
    join core_municipality_group_member m
      on m.group_id = p.reference_group_id and m.valid_to is null
    where p.reference_kind in ('group', 'similar')
    union
    select kommun_id, goal_id, quality_indicator_id, cost_indicator_id,
           unnest(reference_kommuner)
    from pair where reference_kind = 'kommuner'
    union
    select kommun_id, goal_id, quality_indicator_id, cost_indicator_id, kommun_id from pair
),
valued as (
    select m.kommun_id, m.goal_id, m.quality_indicator_id, m.cost_indicator_id, q.period,
           m.member_id, q.value as quality_value, c.value as cost_value, p.quality_direction
    from member m
    join pair p using (kommun_id, goal_id, quality_indicator_id, cost_indicator_id)
    join core_kpi_value q
      on q.kpi_id = p.quality_kpi_id and q.gender = p.quality_gender
     and q.municipality_id = m.member_id
    join core_kpi_value c
      on c.kpi_id = p.cost_kpi_id and c.gender = p.cost_gender
     and c.municipality_id = m.member_id and c.period = q.period
    semi join kommun k on k.municipality_id = m.member_id
    where q.value is not null and c.value is not null
),
mean as (
    select kommun_id, goal_id, quality_indicator_id, cost_indicator_id, period,
           avg(quality_value) as quality_mean, avg(cost_value) as cost_mean,
           count(*) as kommun_count
    from valued
    group by all
),
placed as (
    select v.*, m.quality_mean, m.cost_mean, m.kommun_count,
        case when v.quality_direction = 'lower'
             then round(v.quality_value - m.quality_mean, 9) <= 0
             else round(v.quality_value - m.quality_mean, 9) >= 0 end as higher_quality,
        round(v.cost_value - m.cost_mean, 9) <= 0 as lower_cost
    from valued v
    join mean m using (kommun_id, goal_id, quality_indicator_id, cost_indicator_id, period)
),
final as (
    select p.kommun_id, p.goal_id, p.quality_indicator_id, p.cost_indicator_id, p.period,
        p.member_id, k.title as member_name, p.member_id = p.kommun_id as is_kommun,
        p.quality_value, p.cost_value, p.quality_mean, p.cost_mean,
        p.kommun_count::integer as kommun_count,
        case when p.higher_quality and p.lower_cost then 'higher_quality_lower_cost'
             when p.higher_quality then 'higher_quality_higher_cost'
             when p.lower_cost then 'lower_quality_lower_cost'
             else 'lower_quality_higher_cost' end as quadrant,
        case when p.higher_quality and p.lower_cost then 'Högre kvalitet till lägre kostnad'
             when p.higher_quality then 'Högre kvalitet till högre kostnad'
             when p.lower_cost then 'Lägre kvalitet till lägre kostnad'
             else 'Lägre kvalitet till högre kostnad' end as quadrant_label
    from placed p
    join kommun k on k.municipality_id = p.member_id
)
select * from final;

comment on table mart_cost_quality is 'Quality against cost: per cost-quality pair of a goal and period, every kommun of the pair''s reference with both values, the means and each kommun''s quadrant. Values: Källa: Kolada; means and quadrants: Egen bearbetning av data från Kolada. Grain: (kommun_id, goal_id, quality_indicator_id, cost_indicator_id, period, member_id).';
comment on column mart_cost_quality.kommun_id is 'The kommun whose goal the pair belongs to';
comment on column mart_cost_quality.goal_id is 'The goal (goal.goal_id)';
comment on column mart_cost_quality.quality_indicator_id is 'The quality indicator (goal_indicator.indicator_id)';
comment on column mart_cost_quality.cost_indicator_id is 'The cost indicator (goal_indicator.indicator_id)';
comment on column mart_cost_quality.period is 'The year of both values';
comment on column mart_cost_quality.member_id is 'A kommun of the reference (the kommun itself included)';
comment on column mart_cost_quality.member_name is 'The member kommun''s name';
comment on column mart_cost_quality.is_kommun is 'The member is the kommun whose goal it is';
comment on column mart_cost_quality.quality_value is 'The member''s value of the quality KPI (Källa: Kolada)';
comment on column mart_cost_quality.cost_value is 'The member''s value of the cost KPI (Källa: Kolada)';
comment on column mart_cost_quality.quality_mean is 'Unweighted mean of quality_value over the members with both values';
comment on column mart_cost_quality.cost_mean is 'Unweighted mean of cost_value over the members with both values';
comment on column mart_cost_quality.kommun_count is 'How many members had both values';
comment on column mart_cost_quality.quadrant is 'higher_quality_lower_cost, higher_quality_higher_cost, lower_quality_lower_cost or lower_quality_higher_cost, against the means; higher quality is better in the quality indicator''s direction; a value at the mean counts as higher quality or lower cost';
comment on column mart_cost_quality.quadrant_label is 'The quadrant in Swedish, e.g. Högre kvalitet till lägre kostnad';
