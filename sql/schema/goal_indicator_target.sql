-- Target values (målvärden). Grain: (kommun_id, indicator_id, period).
create table if not exists goal_indicator_target (
    kommun_id varchar not null,
    indicator_id varchar not null,
    period integer not null,
    target_value double not null,
    primary key (kommun_id, indicator_id, period)
);
