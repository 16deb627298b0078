-- Values of local measures, given by the kommun. Grain: (kommun_id, indicator_id, period).
create table if not exists goal_local_value (
    kommun_id varchar not null,
    indicator_id varchar not null,
    period integer not null,
    value double,
    primary key (kommun_id, indicator_id, period)
);

comment on table goal_local_value is 'Values of local measures, given by the kommun. Grain: (kommun_id, indicator_id, period).';
comment on column goal_local_value.kommun_id is 'Kommunkod, 4 characters';
comment on column goal_local_value.indicator_id is 'The local-measure indicator (goal_indicator.indicator_id)';
comment on column goal_local_value.period is 'The year the value is for';
comment on column goal_local_value.value is 'The kommun''s own value (Kommunens egen uppgift); null when not given';
