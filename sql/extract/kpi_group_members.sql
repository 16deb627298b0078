select kpi_group_id, kpi_id
from core_kpi_group_member
where list_contains($kpi_group_ids, kpi_group_id)
order by kpi_group_id, kpi_id
