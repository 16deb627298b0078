-- The type of one municipality id ($1): K kommun, L region or Riket; no row when unknown.
select municipality_type from core_municipality where municipality_id = $1
