insert into stage_value
select $slice_id, $request_url, $fetched_at, *
from staged_page
