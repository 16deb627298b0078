-- Measurable indicators of the goals, a Kolada KPI or a local measure.
-- Grain: (kommun_id, indicator_id).
create table if not exists goal_indicator (
    kommun_id varchar not null,
    indicator_id varchar not null,
    goal_id varchar not null,
    ordinal integer not null,
    kpi_id varchar,                        -- null for a local measure
    local_unit varchar,                    -- set for a local measure
    title varchar,                         -- null: the KPI's own title
    gender varchar not null,               -- T, K or M
    direction varchar,                     -- higher, lower, neutral
    reference_kind varchar not null,       -- county, riket, all_kommuner, group, kommuner, own_trend,
                                           -- similar, kommun, own_units
    reference_group_id varchar,
    reference_kommuner varchar[],
    reference_years integer,
    rule varchar not null,                 -- dorotea, target_only, trend, quartile, monitor
    tolerance_kind varchar,                -- relative (%) or absolute (units of the value)
    tolerance_value double,
    min_reference_count integer,
    trend_threshold_pct double,
    motivation varchar,
    is_example boolean not null,           -- KPI chosen as an example, not named by the kommun
    ou_id varchar,                         -- an organisational unit's values, not the kommun's
    reference_area varchar,                -- the area of a similar reference, e.g. grundskola
    primary key (kommun_id, indicator_id)
);

comment on table goal_indicator is 'Measurable indicators of the goals, a Kolada KPI or a local measure. Grain: (kommun_id, indicator_id).';
comment on column goal_indicator.kommun_id is 'Kommunkod, 4 characters';
comment on column goal_indicator.indicator_id is 'The indicator''s id in the kommun''s goal-definition file';
comment on column goal_indicator.goal_id is 'The goal the indicator measures (goal.goal_id)';
comment on column goal_indicator.ordinal is 'Position of the indicator in the file';
comment on column goal_indicator.kpi_id is 'Kolada KPI id; null for a local measure';
comment on column goal_indicator.local_unit is 'Unit of the value; set for a local measure only';
comment on column goal_indicator.title is 'The indicator''s own title; null: the KPI''s own title';
comment on column goal_indicator.gender is 'T total, K kvinnor or M män';
comment on column goal_indicator.direction is 'Which way is better: higher, lower, neutral';
comment on column goal_indicator.reference_kind is 'What the value is compared with: county, riket, all_kommuner, group, kommuner, own_trend, similar (Kolada''s Liknande kommuner group of the area), kommun (the kommun''s own value, for a unit), own_units (the mean of the kommun''s units)';
comment on column goal_indicator.reference_group_id is 'The Kolada municipality group compared with, for reference_kind group, and for similar the group found for the kommun and area when the definitions were loaded';
comment on column goal_indicator.reference_kommuner is 'The kommuner whose unweighted mean is compared with, for reference_kind kommuner';
comment on column goal_indicator.reference_years is 'How many years back the value is compared with, for reference_kind own_trend';
comment on column goal_indicator.rule is 'How the status is set: dorotea, target_only, trend, quartile, monitor';
comment on column goal_indicator.tolerance_kind is 'Kind of the dorotea tolerance: relative (%) or absolute (units of the value)';
comment on column goal_indicator.tolerance_value is 'How much worse than the reference is still yellow, for the dorotea rule';
comment on column goal_indicator.min_reference_count is 'Fewest kommuner with a value for the reference to count, for the dorotea rule';
comment on column goal_indicator.trend_threshold_pct is 'Change in percent that counts as improved or worsened, for the trend rule';
comment on column goal_indicator.motivation is 'Why the indicator was chosen or cannot be judged; shown with a grey status and in reports';
comment on column goal_indicator.is_example is 'KPI chosen as an example, not named by the kommun';
comment on column goal_indicator.ou_id is 'The Kolada organisational unit (core_ou.ou_id) whose values the KPI is followed for; null: the kommun''s own values';
comment on column goal_indicator.reference_area is 'The area of a similar reference as the goal file names it, e.g. grundskola';
