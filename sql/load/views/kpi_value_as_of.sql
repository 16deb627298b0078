-- The values as Kolada showed them at a moment: select * from kpi_value_as_of(timestamptz '2026-06-30').
create or replace macro kpi_value_as_of(as_of) as table
select kpi_id, municipality_id, period, gender, value, count, status
from hist_kpi_value
where valid_from <= as_of
  and (valid_to is null or valid_to > as_of)
  and not is_deleted;

comment on macro table kpi_value_as_of is 'The values as Kolada showed them at a moment, from hist_kpi_value: select * from kpi_value_as_of(timestamptz ''2026-06-30''). Takes as_of (timestamptz). Returns the columns of core_kpi_value (kpi_id, municipality_id, period, gender, value, count, status), with group ids (G...) included. Grain: (kpi_id, municipality_id, period, gender).';
