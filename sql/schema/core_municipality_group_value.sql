-- Kolada's own unweighted group means, with member_count = members that had a value.
-- Grain: (kpi_id, group_id, period, gender).
create table if not exists core_municipality_group_value (
    kpi_id varchar not null,
    group_id varchar not null,
    period integer not null,
    gender varchar not null,
    value double,
    member_count integer,
    status varchar
);
