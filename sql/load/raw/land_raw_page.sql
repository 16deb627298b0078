-- Land pages (ready_page, registered by the value writer or the metadata loader) by column name.
insert into raw_page by name
select
    $run_id as run_id,
    $entity as entity,
    request_id,
    request_url,
    page_url,
    page_number,
    fetched_at,
    record_count,
    error,
    body
from ready_page
