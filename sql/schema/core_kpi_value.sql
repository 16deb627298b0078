-- Current KPI values of kommuner, regions and Riket. Null stays null.
-- Grain: (kpi_id, municipality_id, period, gender).
create table if not exists core_kpi_value (
    kpi_id varchar not null,
    municipality_id varchar not null,
    period integer not null,
    gender varchar not null,
    value double,
    count integer,
    status varchar
);
