-- Databases made before requests and pages were landed apart: the table of pages was called
-- raw_request. Rename it, and give its rows the columns of refused pages (none were kept then).
-- Each statement can run again: a migration cut short is completed by the next start.
alter table if exists raw_request rename to raw_page;
alter table raw_page add column if not exists error varchar;
alter table raw_page add column if not exists body varchar;
alter table raw_page alter column record_count drop not null;
