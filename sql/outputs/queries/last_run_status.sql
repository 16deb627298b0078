select status from meta_run order by started_at desc limit 1
