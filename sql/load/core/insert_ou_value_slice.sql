insert into core_ou_value by name
select kpi_id, place_id as ou_id, period, gender, value, count, status
from stage_value
where slice_id = $slice_id
  and not is_deleted
