-- The newest snapshot of a DuckLake (?: the name it is attached under).
select max(snapshot_id) as snapshot_id
from ducklake_snapshots(?)
