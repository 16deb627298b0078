-- Kolada groups whose own values are fetched beside the kommuner: the county groups, all
-- kommuner (G2328) and every group a goal definition uses as its reference.
select group_id from core_municipality_group
where title like '%läns kommuner (ovägt medel)%' or group_id = 'G2328'
union
select reference_group_id from goal_indicator where reference_group_id is not null
order by 1
