-- Goal indicators joined to Kolada's KPI metadata: title, gender split, publication dates and
-- whether the KPI still exists. Grain: (kommun_id, indicator_id).
create or replace view goal_indicator_kpi as
select
    i.kommun_id, i.indicator_id, i.goal_id, i.kpi_id,
    coalesce(i.title, k.title) as indicator_title,
    k.title as kpi_title,
    i.gender, i.direction, i.reference_kind, i.rule,
    i.kpi_id is null as is_local,
    i.kpi_id is not null and k.kpi_id is null as kpi_missing,
    k.is_divided_by_gender, k.municipality_type, k.operating_area, k.perspective,
    k.prel_publication_date, k.publication_date, k.publ_period
from goal_indicator i
left join core_kpi k using (kpi_id);
