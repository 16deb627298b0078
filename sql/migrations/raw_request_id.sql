-- Databases made before raw value rows named their request by request_id: number the requests
-- of the rows already landed (DuckDB's hash of the URL, the same number on both sides of the
-- join), find each value's page by its fetch time, and drop the URL copies from the value rows.
-- Each statement can run again: a migration cut short is completed by the next start.
alter table raw_request add column if not exists request_id bigint;
update raw_request set request_id = (hash(request_url) >> 1)::bigint where request_id is null;
alter table raw_kpi_value add column if not exists request_id bigint;
update raw_kpi_value set request_id = (hash(request_url) >> 1)::bigint where request_id is null;
alter table raw_kpi_value add column if not exists page_number integer;
update raw_kpi_value v set page_number = r.page_number
from raw_request r
where v.page_number is null
  and r.run_id = v.run_id and r.request_id = v.request_id and r.fetched_at = v.fetched_at;
alter table raw_kpi_value drop column if exists request_url;
alter table raw_ou_value add column if not exists request_id bigint;
update raw_ou_value set request_id = (hash(request_url) >> 1)::bigint where request_id is null;
alter table raw_ou_value add column if not exists page_number integer;
update raw_ou_value v set page_number = r.page_number
from raw_request r
where v.page_number is null
  and r.run_id = v.run_id and r.request_id = v.request_id and r.fetched_at = v.fetched_at;
alter table raw_ou_value drop column if exists request_url;
