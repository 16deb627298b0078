-- Every page fetched from Kolada, as it was fetched. Grain: (run_id, page_url).
create table if not exists raw_request (
    run_id varchar not null,
    entity varchar not null,          -- 'kpi', 'municipality', ..., 'data', 'oudata'
    request_id bigint not null,       -- names the request in raw_kpi_value and raw_ou_value
    request_url varchar not null,     -- first URL of the paged request
    page_url varchar not null,
    page_number integer not null,
    fetched_at timestamptz not null,
    record_count integer not null
);

comment on table raw_request is 'Every page of KPI values (data, oudata) fetched from Kolada, as it was fetched; metadata records are in raw_metadata_record. Grain: (run_id, page_url).';
comment on column raw_request.run_id is 'The run that fetched the page (meta_run.run_id)';
comment on column raw_request.entity is 'What was fetched: ''data'' (values of kommuner, regions, Riket and groups) or ''oudata'' (values of organisational units)';
comment on column raw_request.request_id is 'A number for the paged request, derived from request_url; raw_kpi_value and raw_ou_value name their page by it (join on run_id, request_id, page_number)';
comment on column raw_request.request_url is 'First URL of the paged request';
comment on column raw_request.page_url is 'URL of this page';
comment on column raw_request.page_number is '1 for the first page of the request';
comment on column raw_request.fetched_at is 'When the page was fetched';
comment on column raw_request.record_count is 'Records on the page';
