-- Freeze the published report tables under label $1 at time $2 (replacing that label).
delete from snap_indicator_status where snapshot_label = $1;
delete from snap_goal_status where snapshot_label = $1;
insert into snap_indicator_status by name
select $1 as snapshot_label, $2 as snapshot_at, * from published.mart_indicator_report;
insert into snap_goal_status by name
select $1 as snapshot_label, $2 as snapshot_at, * from published.mart_goal_status;
