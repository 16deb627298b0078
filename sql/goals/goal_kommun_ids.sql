select kommun_id from goal_definition_file order by kommun_id
