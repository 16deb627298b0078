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

comment on table goal_definition_file is 'One row per kommun whose goal-definition file is loaded. Grain: kommun_id.';
comment on column goal_definition_file.kommun_id is 'Kommunkod, 4 characters';
comment on column goal_definition_file.kommun_name is 'The kommun''s name as the file gives it (name)';
comment on column goal_definition_file.file_path is 'Path of the goal-definition file that was loaded';
comment on column goal_definition_file.file_sha256 is 'SHA-256 of the file''s bytes when it was loaded';
comment on column goal_definition_file.vision is 'The kommun''s vision';
comment on column goal_definition_file.vision_year is 'The year the vision looks to, if given';
comment on column goal_definition_file.policy_source is 'The kommun''s own document the goals come from (source), e.g. a KF decision';
comment on column goal_definition_file.note is 'Free-text note from the file';
comment on column goal_definition_file.mandate_first_year is 'First year of the mandate period';
comment on column goal_definition_file.mandate_last_year is 'Last year of the mandate period';
comment on column goal_definition_file.levels is 'The kommun''s own names of the goal levels, top down';
comment on column goal_definition_file.rollup_method is 'How goal statuses roll up: ''majority'' or ''worst''';
comment on column goal_definition_file.loaded_at is 'When the file was loaded';
comment on column goal_definition_file.loaded_run_id is 'The run that loaded the file (meta_run.run_id); null when loaded outside a run';
