-- Which version of the project's DDL a database was last brought to (on a lake, the DDL runs
-- only when this changes: every statement there would be a snapshot). Grain: one row.
create table if not exists meta_schema (
    fingerprint varchar not null,
    applied_at timestamptz not null
);

comment on table meta_schema is 'The version of the project''s DDL (sql/**/schema, views, migrations) the database was last brought to. Grain: one row.';
comment on column meta_schema.fingerprint is 'sha256 of the DDL files'' text';
comment on column meta_schema.applied_at is 'When the DDL was last applied';
