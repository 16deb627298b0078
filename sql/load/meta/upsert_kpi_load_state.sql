-- Record that $kpi_ids were loaded at $loaded_at for the scope $scope_hash (in full when
-- $is_full). MERGE rather than ON CONFLICT: a DuckLake table has no primary key.
merge into meta_kpi_load_state as state
using (
    select kpi_id, $scope_hash as scope_hash, $loaded_at as loaded_at
    from unnest($kpi_ids) as loaded(kpi_id)
) as loaded
on state.kpi_id = loaded.kpi_id
when matched then update set
    scope_hash = loaded.scope_hash,
    last_full_at = case when $is_full then loaded.loaded_at else state.last_full_at end,
    last_loaded_at = loaded.loaded_at
when not matched then insert (kpi_id, scope_hash, last_full_at, last_loaded_at)
    values (loaded.kpi_id, loaded.scope_hash, loaded.loaded_at, loaded.loaded_at)
