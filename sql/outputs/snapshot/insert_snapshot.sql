-- Freeze the published report tables under a label at a time (replacing that label), then
-- count the rows frozen. published_indicator_report and published_goal_status are the
-- published database's mart_indicator_report and mart_goal_status, registered by snapshot.py.
delete from snap_indicator_status where snapshot_label = $label;
delete from snap_goal_status where snapshot_label = $label;
insert into snap_indicator_status by name
select $label as snapshot_label, $taken_at as snapshot_at, * from published_indicator_report;
insert into snap_goal_status by name
select $label as snapshot_label, $taken_at as snapshot_at, * from published_goal_status;
select (select count(*) from snap_indicator_status where snapshot_label = $label) as indicator_rows,
       (select count(*) from snap_goal_status where snapshot_label = $label) as goal_rows;
