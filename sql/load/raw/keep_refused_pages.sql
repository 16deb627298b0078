-- Write refused pages (kept_page, from refused_pages_of_run.sql in the failed run's copy or
-- transaction), which has raw_page's columns.
insert into raw_page by name
from kept_page
