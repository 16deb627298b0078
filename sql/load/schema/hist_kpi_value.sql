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

comment on table hist_kpi_value is 'Every value ever fetched, with the time it was shown by Kolada (as first seen by a run). A value that Kolada withdrew gets a tombstone row (is_deleted, value null). The values shown on date D are the rows with valid_from <= D < coalesce(valid_to, infinity) and not is_deleted. municipality_id holds kommuner, regions, Riket and group ids (G...). Grain: (kpi_id, municipality_id, period, gender, valid_from).';
comment on column hist_kpi_value.kpi_id is 'Kolada KPI id (core_kpi.kpi_id)';
comment on column hist_kpi_value.municipality_id is 'A kommun, a region (00XX), Riket (0000) or a municipality group (G...)';
comment on column hist_kpi_value.period is 'The year the value is for';
comment on column hist_kpi_value.gender is 'T total, K kvinnor, M män';
comment on column hist_kpi_value.value is 'The value as Kolada showed it; null when Kolada had none or withdrew it';
comment on column hist_kpi_value.count is 'Kolada''s count for the value (for a group: how many members had a value)';
comment on column hist_kpi_value.status is 'Kolada''s status flag for the value, as given (often empty)';
comment on column hist_kpi_value.is_deleted is 'Tombstone: Kolada withdrew the value (no longer shown, or marked deleted)';
comment on column hist_kpi_value.is_revision is 'The row replaced an earlier value (or withdrew it)';
comment on column hist_kpi_value.valid_from is 'When the value was first seen shown (fetch time of the page that brought it)';
comment on column hist_kpi_value.valid_to is 'When a later fetch replaced or withdrew it; null while current';
comment on column hist_kpi_value.run_id is 'The run that recorded the row (meta_run.run_id)';
