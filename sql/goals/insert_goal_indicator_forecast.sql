insert into goal_indicator_forecast values ($1, $2, $3, $4, $5)
