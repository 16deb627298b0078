insert into core_municipality_group_value
select kpi_id, place_id as group_id, period, gender, value, count as member_count, status
from stage_value
where slice_id = $slice_id
  and not is_deleted
  and place_id like 'G%'
