-- Group membership with the time it held: titles and members change under the same id.
-- A row is open (valid_to null) while the membership is current.
-- Grain: (group_id, member_id, valid_from).
create table if not exists core_municipality_group_member (
    group_id varchar not null,
    member_id varchar not null,
    member_title varchar,
    valid_from timestamptz not null,
    valid_to timestamptz,
    first_seen_run_id varchar not null
);

comment on table core_municipality_group_member is 'Group membership with the time it held: titles and members change under the same id. A row is open (valid_to null) while the membership is current. Grain: (group_id, member_id, valid_from).';
comment on column core_municipality_group_member.group_id is 'The group (core_municipality_group.group_id)';
comment on column core_municipality_group_member.member_id is 'A member of the group: a kommun or region id (core_municipality.municipality_id)';
comment on column core_municipality_group_member.member_title is 'The member''s title as the group lists it';
comment on column core_municipality_group_member.valid_from is 'Fetch time of the metadata refresh that first showed this membership';
comment on column core_municipality_group_member.valid_to is 'Fetch time of the refresh that no longer showed it (member gone, retitled or group gone); null while current';
comment on column core_municipality_group_member.first_seen_run_id is 'The run that opened the row (meta_run.run_id)';
