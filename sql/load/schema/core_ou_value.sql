-- Current KPI values of organisational units. Grain: (kpi_id, ou_id, period, gender).
create table if not exists core_ou_value (
    kpi_id varchar not null,
    ou_id varchar not null,
    period integer not null,
    gender varchar not null,
    value double,
    count integer,
    status varchar
);

comment on table core_ou_value is 'Current KPI values of organisational units. Grain: (kpi_id, ou_id, period, gender).';
comment on column core_ou_value.kpi_id is 'Kolada KPI id (core_kpi.kpi_id)';
comment on column core_ou_value.ou_id is 'The organisational unit (core_ou.ou_id)';
comment on column core_ou_value.period is 'The year the value is for';
comment on column core_ou_value.gender is 'T total, K kvinnor, M män';
comment on column core_ou_value.value is 'The value as Kolada shows it; null when Kolada has none';
comment on column core_ou_value.count is 'Kolada''s count for the value, as given';
comment on column core_ou_value.status is 'Kolada''s status flag for the value, as given (often empty)';
