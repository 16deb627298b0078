insert into hist_kpi_value by name
select
    kpi_id, municipality_id, period, gender, value, count, status, is_deleted, is_revision,
    changed_at as valid_from,
    null as valid_to,
    $run_id as run_id
from slice_change
