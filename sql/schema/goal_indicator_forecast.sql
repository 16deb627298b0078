-- Manual forecasts for the delårsrapport. Grain: (kommun_id, indicator_id, period).
create table if not exists goal_indicator_forecast (
    kommun_id varchar not null,
    indicator_id varchar not null,
    period integer not null,
    forecast_value double not null,
    note varchar,
    primary key (kommun_id, indicator_id, period)
);
