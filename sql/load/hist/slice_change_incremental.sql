-- What from_date answers change, for every slice of the batch at once: every value they name
-- that differs from the open history row, and tombstones for the values marked as deleted.
create or replace temp table slice_change as
with

staged as (
    select slice_id, kpi_id, place_id as municipality_id, period, gender, value, count, status,
           is_deleted
    from stage_value
    where slice_id in (select slice_id from ready_slice)
),

open_rows as (
    select kpi_id, municipality_id, period, gender, value, count, status, is_deleted
    from hist_kpi_value
    where valid_to is null
      and kpi_id in (select kpi_id from ready_scope)
),

final as (
    select
        staged.slice_id, staged.kpi_id, staged.municipality_id, staged.period, staged.gender,
        case when staged.is_deleted then null else staged.value end as value,
        case when staged.is_deleted then null else staged.count end as count,
        case when staged.is_deleted then null else staged.status end as status,
        staged.is_deleted,
        open_rows.kpi_id is not null and not open_rows.is_deleted as is_revision
    from staged
    left join open_rows using (kpi_id, municipality_id, period, gender)
    where (open_rows.kpi_id is null and not staged.is_deleted)
       or (open_rows.kpi_id is not null and (
              staged.is_deleted is distinct from open_rows.is_deleted
              or (not staged.is_deleted and (
                     staged.value is distinct from open_rows.value
                     or staged.count is distinct from open_rows.count
                     or staged.status is distinct from open_rows.status))))
)

select final.*, ready_slice.changed_at
from final join ready_slice using (slice_id)
