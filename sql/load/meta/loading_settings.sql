-- DuckDB's memory limit as it is, to restore it after a load on a lake.
select current_setting('memory_limit') as memory_limit
