-- Per slice of the batch: values answered, and what they change.
select
    r.slice_id,
    (select count(*) from stage_value s
     where s.slice_id = r.slice_id and not s.is_deleted) as answered,
    count(c.slice_id) filter (where not c.is_revision) as new_values,
    count(c.slice_id) filter (where c.is_revision and not c.is_deleted) as revised_values,
    count(c.slice_id) filter (where c.is_deleted) as withdrawn_values
from ready_slice r
left join slice_change c using (slice_id)
group by r.slice_id
order by r.slice_id
