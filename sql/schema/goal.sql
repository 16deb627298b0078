-- Every goal of every kommun, from vision-level målområden down to nämnd goals.
-- Grain: (kommun_id, goal_id). parent_goal_id is null at the top of the tree.
create table if not exists goal (
    kommun_id varchar not null,
    goal_id varchar not null,
    parent_goal_id varchar,
    depth integer not null,                -- 0 at the top
    ordinal integer not null,              -- position in the file
    level varchar,                         -- the kommun's own name for the level
    title varchar not null,
    owner varchar,
    description varchar,
    mandate_first_year integer not null,
    mandate_last_year integer not null,
    primary key (kommun_id, goal_id)
);
