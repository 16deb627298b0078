-- The refused pages of a run ($run_id), every column, to keep them in another database.
select
    run_id,
    entity,
    request_id,
    request_url,
    page_url,
    page_number,
    fetched_at,
    record_count,
    error,
    body
from raw_page
where run_id = $run_id and error is not null
order by fetched_at, request_id, page_number
