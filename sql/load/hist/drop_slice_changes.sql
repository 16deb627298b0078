-- Leave out the slices whose answers were refused ($slice_ids): their stored values stay.
delete from slice_change where list_contains($slice_ids, slice_id)
