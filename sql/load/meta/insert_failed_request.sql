insert into meta_failed_request (run_id, path, error, failed_at)
values ($run_id, $path, $error, $failed_at)
