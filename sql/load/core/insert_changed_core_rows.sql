-- Insert the fetched rows (staged_core) a core table does not hold as they are, after
-- delete_changed_core_rows.sql: new keys and changed rows. {table} from metadata.CORE_KEYS.
insert into {table} by name (from staged_core except from {table})
