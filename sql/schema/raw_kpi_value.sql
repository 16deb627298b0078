-- Every fetched data value, unnested from its record but otherwise unchanged.
-- municipality_id holds a kommun, a region, Riket (0000) or a group (G...).
-- Grain: (run_id, request_url, kpi_id, municipality_id, period, gender).
create table if not exists raw_kpi_value (
    run_id varchar not null,
    request_url varchar not null,
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
