-- This run's ($1) KPI watch: watched KPIs missing from the catalogue, and changes.
select kpi_id, 'exists' as field, null as old_value, 'false' as new_value
from meta_kpi_watch where run_id = $1 and not kpi_exists
  and kpi_id not in (select kpi_id from meta_kpi_watch_change where run_id = $1 and field = 'exists')
union all
select kpi_id, field, old_value, new_value from meta_kpi_watch_change where run_id = $1
order by kpi_id, field
