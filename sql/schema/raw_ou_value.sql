-- Every fetched value for an organisational unit (oudata), unnested but otherwise unchanged.
create table if not exists raw_ou_value (
    run_id varchar not null,
    request_url varchar not null,
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
