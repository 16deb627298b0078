-- Every page fetched from Kolada, as it was fetched, accepted or refused.
-- Grain: (run_id, request_id, page_number).
create table if not exists raw_page (
    run_id varchar not null,
    entity varchar not null,          -- 'kpi', 'municipality', ..., 'data', 'oudata'
    request_id bigint not null,       -- the request in raw_request; names the page's value rows
    request_url varchar not null,     -- first URL of the paged request
    page_url varchar not null,
    page_number integer not null,
    fetched_at timestamptz not null,
    record_count integer,             -- null when the body could not be read as records
    error varchar,                    -- null: accepted
    body varchar                      -- the body as received, kept when the page was refused
);

comment on table raw_page is 'Every page fetched from Kolada, accepted or refused: a refused page keeps its body as received and the reason (error). Values of accepted pages are in raw_kpi_value and raw_ou_value, metadata records in raw_metadata_record. Grain: (run_id, request_id, page_number).';
comment on column raw_page.run_id is 'The run that fetched the page (meta_run.run_id)';
comment on column raw_page.entity is 'What was fetched: a metadata entity (kpi, kpi_groups, municipality, municipality_groups, ou), ''data'' (values of kommuner, regions, Riket and groups) or ''oudata'' (values of organisational units)';
comment on column raw_page.request_id is 'The paged request (raw_request.request_id); raw_kpi_value and raw_ou_value name their page by it (join on run_id, request_id, page_number)';
comment on column raw_page.request_url is 'First URL of the paged request';
comment on column raw_page.page_url is 'URL of this page';
comment on column raw_page.page_number is '1 for the first page of the request';
comment on column raw_page.fetched_at is 'When the page was fetched';
comment on column raw_page.record_count is 'Records on the page; null when the body could not be read as a list of records';
comment on column raw_page.error is 'Why the page was refused (its records were not stored downstream); null when accepted';
comment on column raw_page.body is 'The body exactly as received (decoded as UTF-8, undecodable bytes replaced), kept for refused pages only; null for accepted ones, whose records are landed as rows';
