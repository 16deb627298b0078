select kpi_id from core_kpi order by kpi_id
