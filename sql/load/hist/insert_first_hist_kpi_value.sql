-- The first values of KPIs with nothing stored yet (kpis_with_open_history.sql found no open
-- history row): every answered value opens a history row, exactly as slice_change would list
-- it, without comparing against history.
insert into hist_kpi_value by name
select
    s.kpi_id, s.place_id as municipality_id, s.period, s.gender, s.value, s.count, s.status,
    false as is_deleted,
    false as is_revision,
    r.changed_at as valid_from,
    null as valid_to,
    $run_id as run_id
from stage_value s
join ready_slice r using (slice_id)
where not s.is_deleted
