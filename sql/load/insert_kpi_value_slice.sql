insert into core_kpi_value
select kpi_id, place_id as municipality_id, period, gender, value, count, status
from stage_value
where slice_id = $slice_id
  and not is_deleted
  and place_id not like 'G%'
