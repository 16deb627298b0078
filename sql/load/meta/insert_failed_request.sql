insert into meta_failed_request (run_id, path, error)
values ($run_id, $path, $error)
