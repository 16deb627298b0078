select kpi_id, scope_hash, last_full_at, last_loaded_at
from meta_kpi_load_state
where list_contains($kpi_ids, kpi_id)
