select
    (select count(*) from stage_value where slice_id = $slice_id and not is_deleted) as answered,
    count(*) filter (where not is_revision) as new_values,
    count(*) filter (where is_revision and not is_deleted) as revised_values,
    count(*) filter (where is_deleted) as withdrawn_values
from slice_change
