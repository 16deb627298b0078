insert into meta_run (run_id, started_at, mode, base_url, status)
values ($run_id, $started_at, $mode, $base_url, 'running')
