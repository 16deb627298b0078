-- What this run ($1) sees of every KPI named in a goal definition.
insert or replace into meta_kpi_watch
select $1, g.kpi_id, now(), k.kpi_id is not null, k.title, k.description,
       k.prel_publication_date, k.publication_date, k.publ_period
from (select distinct kpi_id from goal_indicator where kpi_id is not null) g
left join core_kpi k using (kpi_id)
