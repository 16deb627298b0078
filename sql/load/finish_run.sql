update meta_run
set finished_at = $finished_at,
    status = $status,
    requests = $requests,
    retries = $retries,
    pages = $pages,
    records = $records,
    error = $error
where run_id = $run_id
