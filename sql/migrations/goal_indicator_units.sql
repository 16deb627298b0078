-- Goal indicators of databases made before indicators could follow an organisational unit or
-- a similar-kommuner reference. The definitions are loaded anew by every run.
alter table goal_indicator add column if not exists ou_id varchar;
alter table goal_indicator add column if not exists reference_area varchar;
