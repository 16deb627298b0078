-- One row per kommun whose goal-definition file is loaded. Grain: kommun_id.
create table if not exists goal_definition_file (
    kommun_id varchar primary key,
    kommun_name varchar not null,
    file_path varchar not null,
    file_sha256 varchar not null,
    vision varchar not null,
    vision_year integer,
    policy_source varchar,
    note varchar,
    mandate_first_year integer not null,
    mandate_last_year integer not null,
    levels varchar[],
    rollup_method varchar not null,       -- 'majority' or 'worst'
    loaded_at timestamptz not null,
    loaded_run_id varchar
);
