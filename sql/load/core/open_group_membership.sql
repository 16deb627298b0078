-- Open a membership for every fetched (group, member, title) that has no open row yet.
insert into core_municipality_group_member by name
select
    staged.group_id,
    staged.member_id,
    staged.member_title,
    $fetched_at as valid_from,
    null as valid_to,
    $run_id as first_seen_run_id
from staged_membership as staged
where not exists (
    select 1
    from core_municipality_group_member as member
    where member.valid_to is null
      and member.group_id = staged.group_id
      and member.member_id = staged.member_id
      and member.member_title is not distinct from staged.member_title
)
