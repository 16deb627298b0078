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
    reference_kind varchar not null,       -- county, riket, all_kommuner, group, kommuner, own_trend
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
    primary key (kommun_id, indicator_id)
);
