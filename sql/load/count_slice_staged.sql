select count(*) from stage_value where slice_id = $slice_id and not is_deleted
