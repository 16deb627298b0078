-- Filled level by level, deepest first, by sql/status/goal_level.sql.
create or replace table mart_goal_status (
    kommun_id varchar not null,
    goal_id varchar not null,
    parent_goal_id varchar,
    depth integer not null,
    level varchar,
    title varchar not null,
    report_mode varchar not null,
    report_year integer not null,
    rollup_method varchar not null,
    green_count integer not null,
    yellow_count integer not null,
    red_count integer not null,
    grey_count integer not null,
    status varchar not null,
    reason varchar not null,
    source_label varchar not null
);

comment on table mart_goal_status is 'Rolled-up status of every goal, per report mode (outcome/forecast) and report year. Grain: (kommun_id, goal_id, report_mode, report_year). A goal votes over its own indicators and its sub-goals; grey children do not vote.';
comment on column mart_goal_status.rollup_method is 'majority: the most common status among assessed children, a tie going to the worse; worst: the worst assessed child';
comment on column mart_goal_status.green_count is 'Children (indicators and sub-goals) judged green';
comment on column mart_goal_status.grey_count is 'Children that could not be assessed';
comment on column mart_goal_status.status is 'green, yellow, red, or grey when no child could be assessed';
comment on column mart_goal_status.reason is 'The vote, in Swedish';
comment on column mart_goal_status.source_label is 'Egen bearbetning av data från Kolada';
comment on column mart_goal_status.kommun_id is 'Kommunkod, 4 characters';
comment on column mart_goal_status.goal_id is 'The goal (goal.goal_id)';
comment on column mart_goal_status.parent_goal_id is 'The goal above it; null at the top of the tree';
comment on column mart_goal_status.depth is '0 at the top of the tree';
comment on column mart_goal_status.level is 'The kommun''s own name for the level, e.g. Målområde';
comment on column mart_goal_status.title is 'The goal as the kommun wrote it';
comment on column mart_goal_status.report_mode is 'outcome (årsredovisning) or forecast (delårsrapport)';
comment on column mart_goal_status.report_year is 'The year reported on (a year of the goal''s mandate)';
comment on column mart_goal_status.yellow_count is 'Children (indicators and sub-goals) judged yellow';
comment on column mart_goal_status.red_count is 'Children (indicators and sub-goals) judged red';
