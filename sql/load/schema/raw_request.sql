-- Every request for values a run sent, with what it asked for: what a replay of the run from
-- raw_ needs to apply each answer to exactly the slice it covered. Grain: (run_id, request_id).
create table if not exists raw_request (
    run_id varchar not null,
    request_id bigint not null,
    entity varchar not null,          -- 'data' or 'oudata'
    request_url varchar not null,
    kpi_ids varchar[] not null,
    place_ids varchar[],              -- null: every place answered is kept
    periods integer[] not null,
    is_changes boolean not null       -- asked with from_date: applied as changes
);

comment on table raw_request is 'Every request for values a run sent and what it covered, so that the run can be replayed from raw_ (kolada-goals rebuild --from-raw). Grain: (run_id, request_id).';
comment on column raw_request.run_id is 'The run that sent the request (meta_run.run_id)';
comment on column raw_request.request_id is 'A number for the request, derived from request_url; its pages are in raw_page';
comment on column raw_request.entity is '''data'' (kommuner, regions, Riket, groups) or ''oudata'' (organisational units)';
comment on column raw_request.request_url is 'First URL of the paged request';
comment on column raw_request.kpi_ids is 'The KPIs the request covered';
comment on column raw_request.place_ids is 'The places whose values the run stores from the answer (null: every place answered)';
comment on column raw_request.periods is 'The years the request covered';
comment on column raw_request.is_changes is 'Asked with from_date: the answer holds changes only and was applied as changes, not as a replacement of the slice';
