insert into goal_indicator_forecast (
    kommun_id, indicator_id, period, forecast_value, note
) values ($1, $2, $3, $4, $5)
