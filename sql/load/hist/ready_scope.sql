-- Every (kpi_id, period, place_id) the slices of the batch cover: the product of the ids their
-- requests named (ready_slice, registered by the writer). place_id is null for a slice that
-- covers every municipality and group.
create or replace temp table ready_scope as
with
kpi as (select slice_id, unnest(kpi_ids) as kpi_id from ready_slice),
period as (select slice_id, unnest(periods) as period from ready_slice),
place as (
    select slice_id, unnest(coalesce(place_ids, [null::varchar])) as place_id from ready_slice
)
select slice_id, kpi_id, period, place_id
from kpi
join period using (slice_id)
join place using (slice_id)
