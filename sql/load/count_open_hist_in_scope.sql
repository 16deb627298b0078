-- Open history rows (values and tombstones) inside the scope of the batch (ready_scope). None:
-- nothing is stored there yet, and every answered value is new.
select count(*)
from (
    select 1
    from hist_kpi_value h
    join ready_scope s
      on s.kpi_id = h.kpi_id and s.period = h.period and s.place_id = h.municipality_id
    where h.valid_to is null
    union all
    select 1
    from hist_kpi_value h
    join ready_scope s on s.kpi_id = h.kpi_id and s.period = h.period and s.place_id is null
    where h.valid_to is null
)
