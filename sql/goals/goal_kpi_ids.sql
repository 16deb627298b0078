-- Every KPI a goal definition names.
select distinct kpi_id from goal_indicator where kpi_id is not null order by kpi_id
