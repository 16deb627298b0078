update hist_kpi_value as hist
set valid_to = change.changed_at
from slice_change as change
where hist.valid_to is null
  and hist.kpi_id = change.kpi_id
  and hist.municipality_id = change.municipality_id
  and hist.period = change.period
  and hist.gender = change.gender
