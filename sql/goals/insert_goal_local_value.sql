insert into goal_local_value values ($1, $2, $3, $4)
