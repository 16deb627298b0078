select group_id, member_id, count(*) as open_rows
from core_municipality_group_member
where valid_to is null
group by all
having count(*) > 1
