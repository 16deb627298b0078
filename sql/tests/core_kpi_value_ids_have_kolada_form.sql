select *
from core_kpi_value
where not regexp_full_match(kpi_id, '[NU][0-9]{5}')
   or not regexp_full_match(municipality_id, '[0-9]{4}')
   or gender not in ('T', 'K', 'M')
