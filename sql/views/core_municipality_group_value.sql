-- Kolada's own unweighted group means as currently shown, with member_count = how many
-- members had a value. Grain: (kpi_id, group_id, period, gender).
create or replace view core_municipality_group_value as
select kpi_id, municipality_id as group_id, period, gender, value, count as member_count, status
from hist_kpi_value
where valid_to is null
  and not is_deleted
  and municipality_id like 'G%';
