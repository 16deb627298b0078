-- An incremental answer (from_date) names exactly the values that changed: drop those keys,
-- then insert the ones that were not deleted.
delete from core_kpi_value as core
using stage_value as staged
where staged.slice_id = $slice_id
  and staged.place_id not like 'G%'
  and core.kpi_id = staged.kpi_id
  and core.municipality_id = staged.place_id
  and core.period = staged.period
  and core.gender = staged.gender
