-- The pages of one request of a run, in order.
select page_url, page_number, fetched_at, record_count
from raw_page
where run_id = $run_id and request_id = $request_id
order by page_number
