insert into goal (
    kommun_id, goal_id, parent_goal_id, depth, ordinal, level, title, owner, description,
    mandate_first_year, mandate_last_year
) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
