-- Municipality groups (county means G33612-G33632, G2328, "Liknande kommuner" ...) as of the
-- latest refresh. Grain: group_id.
create table if not exists core_municipality_group (
    group_id varchar primary key,
    title varchar not null
);

comment on table core_municipality_group is 'Municipality groups (county means G33612-G33632, G2328, "Liknande kommuner" ...) as of the latest refresh. Grain: group_id.';
comment on column core_municipality_group.group_id is 'Kolada municipality group id, G followed by digits (e.g. G2328 all kommuner)';
comment on column core_municipality_group.title is 'The group''s title in Kolada';
