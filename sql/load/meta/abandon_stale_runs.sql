-- Runs still 'running' when a new one starts were killed before they could finish.
update meta_run
set status = 'abandoned'
where status = 'running'
