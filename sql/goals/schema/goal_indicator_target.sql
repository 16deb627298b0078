-- Target values (målvärden). Grain: (kommun_id, indicator_id, period).
create table if not exists goal_indicator_target (
    kommun_id varchar not null,
    indicator_id varchar not null,
    period integer not null,
    target_value double not null,
    primary key (kommun_id, indicator_id, period)
);

comment on table goal_indicator_target is 'Target values (målvärden). Grain: (kommun_id, indicator_id, period).';
comment on column goal_indicator_target.kommun_id is 'Kommunkod, 4 characters';
comment on column goal_indicator_target.indicator_id is 'The indicator (goal_indicator.indicator_id)';
comment on column goal_indicator_target.period is 'The year the target is for';
comment on column goal_indicator_target.target_value is 'The målvärde, in the indicator''s unit';
