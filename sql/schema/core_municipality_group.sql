-- Municipality groups (county means G33612-G33632, G2328, "Liknande kommuner" ...) as of the
-- latest refresh. Grain: group_id.
create table if not exists core_municipality_group (
    group_id varchar primary key,
    title varchar not null
);
