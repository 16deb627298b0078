-- Current KPI values of kommuner, regions (00XX) and Riket (0000): the open, not withdrawn
-- rows of hist_kpi_value. Null stays null. Grain: (kpi_id, municipality_id, period, gender).
create or replace view core_kpi_value as
select kpi_id, municipality_id, period, gender, value, count, status
from hist_kpi_value
where valid_to is null
  and not is_deleted
  and municipality_id not like 'G%';

comment on view core_kpi_value is 'Current KPI values of kommuner, regions (00XX) and Riket (0000): the open, not withdrawn rows of hist_kpi_value. Null stays null. Grain: (kpi_id, municipality_id, period, gender).';
comment on column core_kpi_value.kpi_id is 'Kolada KPI id (core_kpi.kpi_id)';
comment on column core_kpi_value.municipality_id is 'A kommun, a region (00XX) or Riket (0000) (core_municipality.municipality_id)';
comment on column core_kpi_value.period is 'The year the value is for';
comment on column core_kpi_value.gender is 'T total, K kvinnor, M män';
comment on column core_kpi_value.value is 'The value as Kolada shows it now (Källa: Kolada); null when Kolada has none';
comment on column core_kpi_value.count is 'Kolada''s count for the value, as given';
comment on column core_kpi_value.status is 'Kolada''s status flag for the value, as given (often empty)';
