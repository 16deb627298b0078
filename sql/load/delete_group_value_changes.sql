delete from core_municipality_group_value as core
using stage_value as staged
where staged.slice_id = $slice_id
  and staged.place_id like 'G%'
  and core.kpi_id = staged.kpi_id
  and core.group_id = staged.place_id
  and core.period = staged.period
  and core.gender = staged.gender
