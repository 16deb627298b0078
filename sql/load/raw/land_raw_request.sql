-- Land the requests of the slices applied (ready_request, registered by the value writer).
insert into raw_request by name
select
    $run_id as run_id,
    request_id,
    entity,
    request_url,
    kpi_ids,
    place_ids,
    periods,
    is_changes
from ready_request
