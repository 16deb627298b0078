insert into goal_indicator_target values ($1, $2, $3, $4)
