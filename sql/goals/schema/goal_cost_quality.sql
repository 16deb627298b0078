-- Quality set against cost: pairs of a goal's indicators, compared among the kommuner of a
-- reference. Grain: (kommun_id, goal_id, quality_indicator_id, cost_indicator_id).
create table if not exists goal_cost_quality (
    kommun_id varchar not null,
    goal_id varchar not null,
    quality_indicator_id varchar not null,
    cost_indicator_id varchar not null,
    ordinal integer not null,
    reference_kind varchar not null,       -- county, all_kommuner, group, similar or kommuner
    reference_group_id varchar,
    reference_kommuner varchar[],
    primary key (kommun_id, goal_id, quality_indicator_id, cost_indicator_id)
);

comment on table goal_cost_quality is 'Quality set against cost: pairs of a goal''s indicators compared among the kommuner of a reference. Grain: (kommun_id, goal_id, quality_indicator_id, cost_indicator_id).';
comment on column goal_cost_quality.kommun_id is 'Kommunkod, 4 characters';
comment on column goal_cost_quality.goal_id is 'The goal the pair belongs to (goal.goal_id)';
comment on column goal_cost_quality.quality_indicator_id is 'The quality indicator (goal_indicator.indicator_id)';
comment on column goal_cost_quality.cost_indicator_id is 'The cost indicator (goal_indicator.indicator_id)';
comment on column goal_cost_quality.ordinal is 'Position of the pair in the file';
comment on column goal_cost_quality.reference_kind is 'The kommuner compared with: county (the kommun''s county), all_kommuner, group or similar (a Kolada group), kommuner (listed)';
comment on column goal_cost_quality.reference_group_id is 'The Kolada group, for reference_kind group or similar';
comment on column goal_cost_quality.reference_kommuner is 'The listed kommuner, for reference_kind kommuner';
