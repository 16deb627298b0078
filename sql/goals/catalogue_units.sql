-- Organisational units and their kommun, for checking goal definitions.
select ou_id, municipality_id from core_ou order by ou_id
