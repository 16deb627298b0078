-- The status of the latest run (running, succeeded, failed or abandoned); no row before the
-- first run.
select status from meta_run order by started_at desc limit 1
