-- Municipality group ids with their titles.
select group_id, title from core_municipality_group
