-- Pages of requests still in flight; a request's rows move to raw_ and core_ tables
-- together, or not at all. Temporary: gone with the connection.
create temp table if not exists stage_value (
    slice_id integer not null,
    request_url varchar not null,
    fetched_at timestamptz not null,
    kpi_id varchar not null,
    place_id varchar not null,
    period integer not null,
    gender varchar not null,
    value double,
    count integer,
    status varchar,
    is_deleted boolean not null
)
