insert into goal_definition_file (
    kommun_id, kommun_name, file_path, file_sha256, vision, vision_year, policy_source, note,
    mandate_first_year, mandate_last_year, levels, rollup_method, loaded_at, loaded_run_id
) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
