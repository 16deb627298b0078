-- Every page fetched from Kolada, as it was fetched. Grain: (run_id, page_url).
create table if not exists raw_request (
    run_id varchar not null,
    entity varchar not null,          -- 'kpi', 'municipality', ..., 'data', 'oudata'
    request_url varchar not null,     -- first URL of the paged request
    page_url varchar not null,
    page_number integer not null,
    fetched_at timestamptz not null,
    record_count integer not null
);
