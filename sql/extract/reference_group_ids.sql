-- Kolada groups whose own values are fetched beside the kommuner: the county groups, all
-- kommuner (G2328) and every group a goal definition or a cost-quality pair compares with
-- (a similar reference's group as found when the definitions were loaded).
select group_id from core_municipality_group
where title like '%läns kommuner (ovägt medel)%' or group_id = 'G2328'
union
select reference_group_id from goal_indicator where reference_group_id is not null
union
select reference_group_id from goal_cost_quality where reference_group_id is not null
order by 1
