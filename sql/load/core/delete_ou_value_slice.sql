delete from core_ou_value
where kpi_id between $min_kpi_id and $max_kpi_id
  and list_contains($kpi_ids, kpi_id)
  and period between $min_period and $max_period
  and list_contains($periods, period)
  and ($place_ids is null or list_contains($place_ids, ou_id))
