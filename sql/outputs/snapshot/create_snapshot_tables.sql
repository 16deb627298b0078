-- Frozen copies of the report tables, one set of rows per snapshot label.
create table if not exists snap_indicator_status as
select ''::varchar as snapshot_label, now() as snapshot_at, * from mart_indicator_report limit 0;
create table if not exists snap_goal_status as
select ''::varchar as snapshot_label, now() as snapshot_at, * from mart_goal_status limit 0;
comment on table snap_indicator_status is 'mart_indicator_report frozen by `kolada-goals snapshot --label`, e.g. for a delårsrapport. Grain: (snapshot_label, kommun_id, indicator_id, report_mode, report_year).';
comment on table snap_goal_status is 'mart_goal_status frozen by `kolada-goals snapshot --label`. Grain: (snapshot_label, kommun_id, goal_id, report_mode, report_year).';
