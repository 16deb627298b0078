-- Values answered per slice of the batch (withdrawn ones, marked isdeleted, not counted).
select slice_id, count(*) from stage_value where not is_deleted group by slice_id
