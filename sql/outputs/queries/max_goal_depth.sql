select coalesce(max(depth), -1) from goal
