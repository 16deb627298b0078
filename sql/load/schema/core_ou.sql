-- Organisational units (schools, care homes ...). Grain: ou_id.
create table if not exists core_ou (
    ou_id varchar primary key,
    municipality_id varchar not null,
    title varchar not null
);

comment on table core_ou is 'Organisational units (schools, care homes ...). Grain: ou_id.';
comment on column core_ou.ou_id is 'Kolada organisational unit id, V##E followed by digits';
comment on column core_ou.municipality_id is 'The kommun (or region) the unit belongs to';
comment on column core_ou.title is 'Name of the unit';
