insert into meta_kpi_load_state
select kpi_id, $scope_hash, $loaded_at, $loaded_at
from unnest($kpi_ids) as loaded(kpi_id)
on conflict (kpi_id) do update set
    scope_hash = excluded.scope_hash,
    last_full_at = case when $is_full then excluded.last_full_at
                        else meta_kpi_load_state.last_full_at end,
    last_loaded_at = excluded.last_loaded_at
