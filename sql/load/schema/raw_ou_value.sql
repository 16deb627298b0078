-- Every fetched value for an organisational unit (oudata), unnested but otherwise unchanged.
create table if not exists raw_ou_value (
    run_id varchar not null,
    request_id bigint not null,      -- with page_number: the page in raw_page
    page_number integer not null,
    fetched_at timestamptz not null,
    kpi_id varchar not null,
    ou_id varchar not null,
    period integer not null,
    gender varchar not null,
    value double,
    count integer,
    status varchar,
    is_deleted boolean not null
);

comment on table raw_ou_value is 'Every fetched value for an organisational unit (oudata), unnested but otherwise unchanged. Grain: (run_id, request_id, kpi_id, ou_id, period, gender).';
comment on column raw_ou_value.run_id is 'The run that fetched the value (meta_run.run_id)';
comment on column raw_ou_value.request_id is 'The paged request the value came from: join raw_page on (run_id, request_id, page_number) for the page and its URLs, raw_request on (run_id, request_id) for what the request covered';
comment on column raw_ou_value.page_number is 'The page of the request the value came on (raw_page.page_number)';
comment on column raw_ou_value.fetched_at is 'When the page with the value was fetched';
comment on column raw_ou_value.kpi_id is 'Kolada KPI id';
comment on column raw_ou_value.ou_id is 'The organisational unit';
comment on column raw_ou_value.period is 'The year the value is for';
comment on column raw_ou_value.gender is 'T total, K kvinnor, M män';
comment on column raw_ou_value.value is 'The value as sent; null when Kolada sent none';
comment on column raw_ou_value.count is 'Kolada''s count for the value, as sent';
comment on column raw_ou_value.status is 'Kolada''s status flag for the value, as sent';
comment on column raw_ou_value.is_deleted is 'Kolada''s isdeleted flag, as sent';
