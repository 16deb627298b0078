-- Values of local measures, given by the kommun. Grain: (kommun_id, indicator_id, period).
create table if not exists goal_local_value (
    kommun_id varchar not null,
    indicator_id varchar not null,
    period integer not null,
    value double,
    primary key (kommun_id, indicator_id, period)
);
