-- Everything a full answer for this slice replaces. The between-ranges let DuckDB skip
-- row groups by their min/max before the exact list test.
delete from core_kpi_value
where kpi_id between $min_kpi_id and $max_kpi_id
  and list_contains($kpi_ids, kpi_id)
  and period between $min_period and $max_period
  and list_contains($periods, period)
  and ($place_ids is null or list_contains($place_ids, municipality_id))
