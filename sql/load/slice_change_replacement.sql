-- What a full answer for a slice changes against the open history rows of that slice:
-- new and revised values, and tombstones for values that are no longer answered.
create or replace temp table slice_change as
with

staged as (
    select kpi_id, place_id as municipality_id, period, gender, value, count, status
    from stage_value
    where slice_id = $slice_id and not is_deleted
),

open_rows as (
    select kpi_id, municipality_id, period, gender, value, count, status
    from hist_kpi_value
    where valid_to is null
      and not is_deleted
      and kpi_id between $min_kpi_id and $max_kpi_id
      and list_contains($kpi_ids, kpi_id)
      and period between $min_period and $max_period
      and list_contains($periods, period)
      and ($place_ids is null or list_contains($place_ids, municipality_id))
),

new_or_revised as (
    select staged.*, false as is_deleted, open_rows.kpi_id is not null as is_revision
    from staged
    left join open_rows using (kpi_id, municipality_id, period, gender)
    where open_rows.kpi_id is null
       or staged.value is distinct from open_rows.value
       or staged.count is distinct from open_rows.count
       or staged.status is distinct from open_rows.status
),

withdrawn as (
    select
        open_rows.kpi_id, open_rows.municipality_id, open_rows.period, open_rows.gender,
        null::double as value, null::integer as count, null::varchar as status,
        true as is_deleted, true as is_revision
    from open_rows
    anti join staged using (kpi_id, municipality_id, period, gender)
),

final as (
    select * from new_or_revised
    union all
    select * from withdrawn
)

select * from final
