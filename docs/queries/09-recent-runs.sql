-- Question: What did the last nightly runs do, and what did they load?
-- Svenska: "Senaste körningarna och vad de laddade"
--
-- Only a run with status succeeded is published; a failed run leaves the previous
-- database in place. A failed run therefore shows up here once the next good run has
-- been published.
--
-- Parameters (set them first, as below):
--   getvariable('run_count')  how many runs to show, newest first
--
-- Columns:
--   run_id            the run
--   started_at        when it started
--   finished_at       when it ended; null while running or when killed
--   duration          finished_at - started_at
--   mode              full or incremental (metadata when no values were loaded)
--   status            running, succeeded, failed or abandoned
--   requests          HTTP requests sent to Kolada, retries included
--   retries           retried requests
--   failed_requests   requests that failed in the end
--   pages, records    pages and records fetched
--   new_values        values seen for the first time
--   revised_values    values Kolada changed since an earlier run
--   withdrawn_values  values Kolada no longer shows
--   changed_kpis      the KPIs whose values the run added, revised or withdrew
--   row_counts        rows per table when the run ended (JSON)
--   error             the error of a failed run

set variable run_count = 10;

with changed as (
    select run_id, list(distinct kpi_id order by kpi_id) as changed_kpis
    from hist_kpi_value
    group by run_id
)
select
    r.run_id,
    r.started_at,
    r.finished_at,
    r.finished_at - r.started_at as duration,
    r.mode,
    r.status,
    r.requests,
    r.retries,
    r.failed_requests,
    r.pages,
    r.records,
    r.new_values,
    r.revised_values,
    r.withdrawn_values,
    coalesce(c.changed_kpis, []) as changed_kpis,
    r.row_counts,
    r.error
from meta_run r
left join changed c using (run_id)
order by r.started_at desc
limit getvariable('run_count');
