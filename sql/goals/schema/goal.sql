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

comment on table goal is 'Every goal of every kommun, from vision-level målområden down to nämnd goals. Grain: (kommun_id, goal_id). parent_goal_id is null at the top of the tree.';
comment on column goal.kommun_id is 'Kommunkod, 4 characters';
comment on column goal.goal_id is 'The goal''s id in the kommun''s goal-definition file';
comment on column goal.parent_goal_id is 'The goal above this one (goal.goal_id); null at the top of the tree';
comment on column goal.depth is 'Depth in the goal tree, 0 at the top';
comment on column goal.ordinal is 'Position of the goal in the file';
comment on column goal.level is 'The kommun''s own name for the level (e.g. Målområde)';
comment on column goal.title is 'The goal as the kommun words it';
comment on column goal.owner is 'Who owns the goal: Kommunfullmäktige, a nämnd, a bolag';
comment on column goal.description is 'Optional longer description of the goal';
comment on column goal.mandate_first_year is 'First year of the mandate period the goal holds for (the goal''s own, else the file''s)';
comment on column goal.mandate_last_year is 'Last year of the mandate period the goal holds for (the goal''s own, else the file''s)';
