insert into goal_local_value (kommun_id, indicator_id, period, value) values ($1, $2, $3, $4)
