-- Close memberships the latest fetch no longer shows: member gone, retitled, or group gone.
update core_municipality_group_member as member
set valid_to = $fetched_at
where member.valid_to is null
  and not exists (
      select 1
      from staged_membership as staged
      where staged.group_id = member.group_id
        and staged.member_id = member.member_id
        and staged.member_title is not distinct from member.member_title
  )
