-- Kolada's KPI groups (e.g. GKPI118 KKiK). Grain: kpi_group_id.
create table if not exists core_kpi_group (
    kpi_group_id varchar primary key,
    title varchar not null
);

comment on table core_kpi_group is 'Kolada''s KPI groups (e.g. GKPI118 KKiK). Grain: kpi_group_id.';
comment on column core_kpi_group.kpi_group_id is 'Kolada KPI group id, e.g. GKPI118';
comment on column core_kpi_group.title is 'The group''s title in Kolada';
