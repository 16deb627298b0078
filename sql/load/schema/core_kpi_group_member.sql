-- Members of each KPI group as of the latest refresh. Grain: (kpi_group_id, kpi_id).
create table if not exists core_kpi_group_member (
    kpi_group_id varchar not null,
    kpi_id varchar not null,
    member_title varchar
);

comment on table core_kpi_group_member is 'Members of each KPI group as of the latest refresh. Grain: (kpi_group_id, kpi_id).';
comment on column core_kpi_group_member.kpi_group_id is 'The KPI group (core_kpi_group.kpi_group_id)';
comment on column core_kpi_group_member.kpi_id is 'A KPI of the group (core_kpi.kpi_id)';
comment on column core_kpi_group_member.member_title is 'The KPI''s title as the group lists it';
