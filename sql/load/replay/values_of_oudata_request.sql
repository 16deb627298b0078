-- The landed values of one oudata request of a run, as the value writer stages a page's rows.
select
    page_number,
    kpi_id,
    ou_id as place_id,
    period,
    gender,
    value,
    count,
    status,
    is_deleted
from raw_ou_value
where run_id = $run_id and request_id = $request_id
