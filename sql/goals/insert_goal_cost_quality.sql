insert into goal_cost_quality (
    kommun_id, goal_id, quality_indicator_id, cost_indicator_id, ordinal, reference_kind,
    reference_group_id, reference_kommuner
) values ($1, $2, $3, $4, $5, $6, $7, $8)
