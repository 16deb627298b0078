select group_id from core_municipality_group order by group_id
