-- Members of each KPI group as of the latest refresh. Grain: (kpi_group_id, kpi_id).
create table if not exists core_kpi_group_member (
    kpi_group_id varchar not null,
    kpi_id varchar not null,
    member_title varchar
);
