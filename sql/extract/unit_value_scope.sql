-- The organisational units whose values the goal definitions need, per KPI: every unit an
-- indicator names, and for an own_units reference every unit of the indicator's kommun.
with named as (
    select kpi_id, ou_id from goal_indicator
    where kpi_id is not null and ou_id is not null
),
own_units as (
    select i.kpi_id, u.ou_id
    from goal_indicator i join core_ou u on u.municipality_id = i.kommun_id
    where i.kpi_id is not null and i.ou_id is not null and i.reference_kind = 'own_units'
),
final as (
    select kpi_id, ou_id from named
    union
    select kpi_id, ou_id from own_units
)
select kpi_id, list(ou_id order by ou_id) as ou_ids from final group by kpi_id order by kpi_id
