-- The landed values of one data request of a run, as the value writer stages a page's rows.
select
    page_number,
    kpi_id,
    municipality_id as place_id,
    period,
    gender,
    value,
    count,
    status,
    is_deleted
from raw_kpi_value
where run_id = $run_id and request_id = $request_id
