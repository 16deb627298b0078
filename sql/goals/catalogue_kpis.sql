-- KPI facts goal validation needs.
select kpi_id, title, is_divided_by_gender, municipality_type from core_kpi
