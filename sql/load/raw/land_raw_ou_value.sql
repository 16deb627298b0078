insert into raw_ou_value by name
select
    $run_id as run_id,
    request_id,
    page_number,
    fetched_at,
    kpi_id,
    place_id as ou_id,
    period,
    gender,
    value,
    count,
    status,
    is_deleted
from stage_value
