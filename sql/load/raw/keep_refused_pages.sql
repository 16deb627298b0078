-- Write refused pages (kept_page, from refused_pages_of_run.sql in the failed run's copy).
insert into raw_page by name
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
from kept_page
