-- Current KPI values of kommuner, regions (00XX) and Riket (0000): the open, not withdrawn
-- rows of hist_kpi_value. Null stays null. Grain: (kpi_id, municipality_id, period, gender).
create or replace view core_kpi_value as
select kpi_id, municipality_id, period, gender, value, count, status
from hist_kpi_value
where valid_to is null
  and not is_deleted
  and municipality_id not like 'G%';
