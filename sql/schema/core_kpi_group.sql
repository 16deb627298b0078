-- Kolada's KPI groups (e.g. GKPI118 KKiK). Grain: kpi_group_id.
create table if not exists core_kpi_group (
    kpi_group_id varchar primary key,
    title varchar not null
);
