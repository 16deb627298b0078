-- Kolada's county groups ("<Län> läns kommuner (ovägt medel)", G33612-G33632), each with its
-- county code (the first two digits of its members' ids) as the membership was last fetched.
create or replace table mart_county_group as
with final as (
    select g.group_id, g.title, min(substr(m.member_id, 1, 2)) as county_code,
           count(*) as member_count
    from core_municipality_group g
    join core_municipality_group_member m on m.group_id = g.group_id and m.valid_to is null
    where g.title like '%läns kommuner (ovägt medel)%'
    group by g.group_id, g.title
    having count(distinct substr(m.member_id, 1, 2)) = 1
)
select * from final;

comment on table mart_county_group is 'Kolada''s county groups of kommuner with their county code (län). Grain: group_id.';
