-- A value for a KPI Kolada no longer lists is kept, but must be visible: it fails the run
-- only if the catalogue is empty, which means metadata never loaded.
select distinct value.kpi_id
from core_kpi_value as value
where not exists (select 1 from core_kpi)
