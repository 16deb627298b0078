-- Delete the rows of a core table whose key is gone from the fetched list (staged_core) or
-- whose columns differ from it. {table} and {key} are filled from metadata.CORE_KEYS;
-- staged_core has the table's columns in its order.
delete from {table}
where ({key}) in (
    select {key}
    from (from {table} except from staged_core)
)
