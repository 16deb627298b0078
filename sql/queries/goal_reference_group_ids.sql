-- Kolada groups that goal definitions use as references.
select distinct reference_group_id from goal_indicator
where reference_group_id is not null order by 1
