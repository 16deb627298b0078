-- Municipality ids with their type (K kommun, L region or Riket) and title.
select municipality_id, municipality_type, title from core_municipality
