insert into goal_indicator_target (
    kommun_id, indicator_id, period, target_value
) values ($1, $2, $3, $4)
