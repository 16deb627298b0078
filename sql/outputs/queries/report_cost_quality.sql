-- The cost-quality pairs of one report: per pair, the latest period up to the report year in
-- which the kommun has both values, with every kommun of the pair's reference in it.
-- Parameters: $kommun_id, $year.
with pair_period as (
    select goal_id, quality_indicator_id, cost_indicator_id, max(period) as period
    from mart_cost_quality
    where kommun_id = $kommun_id and is_kommun and period <= $year
    group by all
),
final as (
    select c.goal_id, c.quality_indicator_id, c.cost_indicator_id, c.period, c.member_id,
           c.member_name, c.is_kommun, c.quality_value, c.cost_value, c.quality_mean,
           c.cost_mean, c.kommun_count, c.quadrant_label,
           coalesce(q.indicator_title, q.indicator_id) as quality_title, q.direction as quality_direction,
           coalesce(k.indicator_title, k.indicator_id) as cost_title,
           p.ordinal, p.reference_kind, g.title as reference_title
    from mart_cost_quality c
    join pair_period using (goal_id, quality_indicator_id, cost_indicator_id, period)
    join mart_indicator q on q.kommun_id = c.kommun_id and q.indicator_id = c.quality_indicator_id
    join mart_indicator k on k.kommun_id = c.kommun_id and k.indicator_id = c.cost_indicator_id
    join goal_cost_quality p
      on p.kommun_id = c.kommun_id and p.goal_id = c.goal_id
     and p.quality_indicator_id = c.quality_indicator_id
     and p.cost_indicator_id = c.cost_indicator_id
    left join core_municipality_group g on g.group_id = p.reference_group_id
    where c.kommun_id = $kommun_id
)
select * from final
order by goal_id, ordinal, is_kommun, member_name
