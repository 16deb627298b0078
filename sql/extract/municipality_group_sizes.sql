-- Members of each municipality group now (open membership rows): how many places a change
-- of one member touches through the groups' means.
select group_id, count(*) as members
from core_municipality_group_member
where valid_to is null
group by group_id
order by group_id
