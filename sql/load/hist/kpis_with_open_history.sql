-- Which of the KPIs ($kpi_ids) have open history rows (values or tombstones). The writer asks
-- when it first meets a KPI, before writing any of it: slices of these KPIs are compared
-- with history; slices of the others hold only new values.
select distinct kpi_id
from hist_kpi_value
where valid_to is null
  and kpi_id in (select unnest($kpi_ids::varchar[]))
