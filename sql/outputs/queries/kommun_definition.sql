-- The goal definition header of one kommun: name, vision and mandate. Parameters: $kommun_id.
select kommun_name, vision, vision_year, policy_source, note,
       mandate_first_year, mandate_last_year, levels
from goal_definition_file
where kommun_id = $kommun_id;
