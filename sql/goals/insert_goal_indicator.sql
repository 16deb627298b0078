insert into goal_indicator (
    kommun_id, indicator_id, goal_id, ordinal, kpi_id, local_unit, title, gender, direction,
    reference_kind, reference_group_id, reference_kommuner, reference_years, rule,
    tolerance_kind, tolerance_value, min_reference_count, trend_threshold_pct, motivation,
    is_example, ou_id, reference_area
) values (
    $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
    $21, $22
)
