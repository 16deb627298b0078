-- Note the version of the DDL just applied (the fingerprint parameter).
delete from meta_schema;
insert into meta_schema (fingerprint, applied_at) values ($fingerprint, now());
