-- core_kpi_value holds one row per (kpi_id, municipality_id, period, gender).
select kpi_id, municipality_id, period, gender, count(*) as rows
from core_kpi_value
group by all
having count(*) > 1
