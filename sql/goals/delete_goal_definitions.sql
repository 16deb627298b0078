-- Remove one kommun's definitions before its file is loaded again ($1 = kommun_id).
delete from goal_cost_quality where kommun_id = $1;
delete from goal_local_value where kommun_id = $1;
delete from goal_indicator_forecast where kommun_id = $1;
delete from goal_indicator_target where kommun_id = $1;
delete from goal_indicator where kommun_id = $1;
delete from goal where kommun_id = $1;
delete from goal_definition_file where kommun_id = $1;
