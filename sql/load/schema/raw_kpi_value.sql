-- Every fetched data value, unnested from its record but otherwise unchanged.
-- municipality_id holds a kommun, a region, Riket (0000) or a group (G...).
-- Grain: (run_id, request_id, kpi_id, municipality_id, period, gender).
create table if not exists raw_kpi_value (
    run_id varchar not null,
    request_id bigint not null,      -- with page_number: the page in raw_page
    page_number integer not null,
    fetched_at timestamptz not null,
    kpi_id varchar not null,
    municipality_id varchar not null,
    period integer not null,
    gender varchar not null,
    value double,
    count integer,
    status varchar,
    is_deleted boolean not null
);

comment on table raw_kpi_value is 'Every fetched data value, unnested from its record but otherwise unchanged. municipality_id holds a kommun, a region, Riket (0000) or a group (G...). Grain: (run_id, request_id, kpi_id, municipality_id, period, gender).';
comment on column raw_kpi_value.run_id is 'The run that fetched the value (meta_run.run_id)';
comment on column raw_kpi_value.request_id is 'The paged request the value came from: join raw_page on (run_id, request_id, page_number) for the page and its URLs, raw_request on (run_id, request_id) for what the request covered';
comment on column raw_kpi_value.page_number is 'The page of the request the value came on (raw_page.page_number)';
comment on column raw_kpi_value.fetched_at is 'When the page with the value was fetched';
comment on column raw_kpi_value.kpi_id is 'Kolada KPI id';
comment on column raw_kpi_value.municipality_id is 'A kommun, a region (00XX), Riket (0000) or a municipality group (G...)';
comment on column raw_kpi_value.period is 'The year the value is for';
comment on column raw_kpi_value.gender is 'T total, K kvinnor, M män';
comment on column raw_kpi_value.value is 'The value as sent; null when Kolada sent none';
comment on column raw_kpi_value.count is 'Kolada''s count for the value, as sent';
comment on column raw_kpi_value.status is 'Kolada''s status flag for the value, as sent';
comment on column raw_kpi_value.is_deleted is 'Kolada''s isdeleted flag, as sent';
