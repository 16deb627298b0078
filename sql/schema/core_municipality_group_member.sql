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
