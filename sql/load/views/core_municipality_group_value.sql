-- Kolada's own unweighted group means as currently shown, with member_count = how many
-- members had a value. Grain: (kpi_id, group_id, period, gender).
create or replace view core_municipality_group_value as
select kpi_id, municipality_id as group_id, period, gender, value, count as member_count, status
from hist_kpi_value
where valid_to is null
  and not is_deleted
  and municipality_id like 'G%';

comment on view core_municipality_group_value is 'Kolada''s own unweighted group means as currently shown, with member_count = how many members had a value. Grain: (kpi_id, group_id, period, gender).';
comment on column core_municipality_group_value.kpi_id is 'Kolada KPI id (core_kpi.kpi_id)';
comment on column core_municipality_group_value.group_id is 'Kolada municipality group id (core_municipality_group.group_id)';
comment on column core_municipality_group_value.period is 'The year the value is for';
comment on column core_municipality_group_value.gender is 'T total, K kvinnor, M män';
comment on column core_municipality_group_value.value is 'Kolada''s unweighted mean of the group''s members (Källa: Kolada)';
comment on column core_municipality_group_value.member_count is 'How many members had a value (Kolada''s count)';
comment on column core_municipality_group_value.status is 'Kolada''s status flag for the value, as given (often empty)';
