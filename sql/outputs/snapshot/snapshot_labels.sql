-- The labels snapshots have been taken under.
select distinct snapshot_label from snap_indicator_status order by 1
