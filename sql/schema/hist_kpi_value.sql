-- Every value ever fetched, with the time it was shown by Kolada (as first seen by a run).
-- A value that Kolada withdrew gets a tombstone row (is_deleted, value null). The values
-- shown on date D are the rows with valid_from <= D < coalesce(valid_to, infinity) and not
-- is_deleted. municipality_id holds kommuner, regions, Riket and group ids (G...).
-- Grain: (kpi_id, municipality_id, period, gender, valid_from).
create table if not exists hist_kpi_value (
    kpi_id varchar not null,
    municipality_id varchar not null,
    period integer not null,
    gender varchar not null,
    value double,
    count integer,
    status varchar,
    is_deleted boolean not null,
    is_revision boolean not null,     -- replaced an earlier value (or withdrew it)
    valid_from timestamptz not null,
    valid_to timestamptz,
    run_id varchar not null
);
