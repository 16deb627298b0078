-- Manual forecasts for the delårsrapport. Grain: (kommun_id, indicator_id, period).
create table if not exists goal_indicator_forecast (
    kommun_id varchar not null,
    indicator_id varchar not null,
    period integer not null,
    forecast_value double not null,
    note varchar,
    primary key (kommun_id, indicator_id, period)
);

comment on table goal_indicator_forecast is 'Manual forecasts for the delårsrapport. Grain: (kommun_id, indicator_id, period).';
comment on column goal_indicator_forecast.kommun_id is 'Kommunkod, 4 characters';
comment on column goal_indicator_forecast.indicator_id is 'The indicator (goal_indicator.indicator_id)';
comment on column goal_indicator_forecast.period is 'The year the forecast is for';
comment on column goal_indicator_forecast.forecast_value is 'The forecast value (prognos), in the indicator''s unit';
comment on column goal_indicator_forecast.note is 'Where the forecast comes from, if given';
