delete from stage_value where slice_id = $slice_id
