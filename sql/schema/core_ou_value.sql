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
