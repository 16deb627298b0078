-- Raw landing is an audit trail of what was fetched; hist_kpi_value keeps every value for
-- good. Remove raw rows fetched before $cutoff, one table per statement.
delete from raw_kpi_value where fetched_at < $cutoff;
delete from raw_ou_value where fetched_at < $cutoff;
delete from raw_metadata_record where fetched_at < $cutoff;
delete from raw_request where fetched_at < $cutoff;
