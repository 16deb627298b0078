-- The version of the DDL the database was last brought to (none before the first time).
select fingerprint
from meta_schema
