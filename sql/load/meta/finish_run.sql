update meta_run
set finished_at = $finished_at,
    mode = $mode,
    status = $status,
    requests = $requests,
    retries = $retries,
    pages = $pages,
    records = $records,
    new_values = $new_values,
    revised_values = $revised_values,
    withdrawn_values = $withdrawn_values,
    failed_requests = $failed_requests,
    row_counts = $row_counts,
    error = $error
where run_id = $run_id
