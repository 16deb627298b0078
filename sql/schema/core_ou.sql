-- Organisational units (schools, care homes ...). Grain: ou_id.
create table if not exists core_ou (
    ou_id varchar primary key,
    municipality_id varchar not null,
    title varchar not null
);
