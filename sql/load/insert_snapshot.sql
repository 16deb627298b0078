-- Freeze the published report tables under a label at a time (replacing that label).
delete from snap_indicator_status where snapshot_label = $label;
delete from snap_goal_status where snapshot_label = $label;
insert into snap_indicator_status by name
select $label as snapshot_label, $taken_at as snapshot_at, * from published.mart_indicator_report;
insert into snap_goal_status by name
select $label as snapshot_label, $taken_at as snapshot_at, * from published.mart_goal_status;
