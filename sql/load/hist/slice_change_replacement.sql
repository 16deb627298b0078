-- What full answers change against the open history rows of the slices they cover, for every
-- slice of the batch at once (ready_slice, ready_scope, registered by the writer): new and
-- revised values, and tombstones for values that are no longer answered. Slices of one plan
-- are disjoint, so an open row belongs to at most one slice.
create or replace temp table slice_change as
with

staged as (
    select slice_id, kpi_id, place_id as municipality_id, period, gender, value, count, status
    from stage_value
    where slice_id in (select slice_id from ready_slice) and not is_deleted
),

open_hist as (
    select kpi_id, municipality_id, period, gender, value, count, status
    from hist_kpi_value
    where valid_to is null
      and not is_deleted
      and kpi_id in (select kpi_id from ready_scope)
),

open_rows as (
    -- Slices that name their places, and slices that cover every municipality and group.
    select s.slice_id, h.*
    from open_hist h
    join ready_scope s
      on s.kpi_id = h.kpi_id and s.period = h.period and s.place_id = h.municipality_id
    union all
    select s.slice_id, h.*
    from open_hist h
    join ready_scope s on s.kpi_id = h.kpi_id and s.period = h.period and s.place_id is null
),

new_or_revised as (
    select staged.*, false as is_deleted, open_rows.kpi_id is not null as is_revision
    from staged
    left join open_rows using (slice_id, kpi_id, municipality_id, period, gender)
    where open_rows.kpi_id is null
       or staged.value is distinct from open_rows.value
       or staged.count is distinct from open_rows.count
       or staged.status is distinct from open_rows.status
),

withdrawn as (
    select
        open_rows.slice_id, open_rows.kpi_id, open_rows.municipality_id, open_rows.period,
        open_rows.gender, null::double as value, null::integer as count,
        null::varchar as status, true as is_deleted, true as is_revision
    from open_rows
    anti join staged using (slice_id, kpi_id, municipality_id, period, gender)
)

select changes.*, ready_slice.changed_at
from (select * from new_or_revised union all select * from withdrawn) changes
join ready_slice using (slice_id)
