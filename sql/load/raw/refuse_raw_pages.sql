-- Mark the landed pages of requests whose answer was refused after landing (a full answer
-- that shrank sharply): their values stay in raw_, the reason says why none reached hist_.
update raw_page
set error = $error
where run_id = $run_id and request_id = $request_id and error is null
