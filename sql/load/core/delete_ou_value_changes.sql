delete from core_ou_value as core
using stage_value as staged
where staged.slice_id = $slice_id
  and core.kpi_id = staged.kpi_id
  and core.ou_id = staged.place_id
  and core.period = staged.period
  and core.gender = staged.gender
