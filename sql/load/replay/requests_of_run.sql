-- The value requests of a run ($run_id) whose every page was accepted, in the order their
-- answers arrived: what a replay applies.
with
pages as (
    select request_id, min(fetched_at) as first_fetched_at, count(error) as refused_pages
    from raw_page
    where run_id = $run_id and entity in ('data', 'oudata')
    group by request_id
),

final as (
    select
        request.request_id,
        request.entity,
        request.request_url,
        request.kpi_ids,
        request.place_ids,
        request.periods,
        request.is_changes,
        pages.first_fetched_at
    from raw_request as request
    join pages using (request_id)
    where request.run_id = $run_id and pages.refused_pages = 0
)

select request_id, entity, request_url, kpi_ids, place_ids, periods, is_changes
from final
order by first_fetched_at, request_id
