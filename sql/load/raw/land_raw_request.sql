insert into raw_request
    (run_id, entity, request_id, request_url, page_url, page_number, fetched_at, record_count)
select $run_id, $entity, request_id, request_url, page_url, page_number, fetched_at, record_count
from ready_page
-- ready_page: the pages of the slices applied, registered by the writer
