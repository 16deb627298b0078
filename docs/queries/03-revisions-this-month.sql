-- Question: Which values did Kolada revise or withdraw this month?
-- Svenska: "Vad har Kolada reviderat den här månaden?"
--
-- A revision is a value that replaced an earlier value for the same KPI, kommun (or region,
-- riket, group), period and gender, or that withdrew it. The time is when a nightly run
-- first saw the change (hist_kpi_value.valid_from), not when Kolada made it.
--
-- Parameters (set them first, as below):
--   getvariable('month')  the first day of the month to look at. The default below is the
--                         current month. For October 2026 write instead:
--                             set variable month = date '2026-10-01'
-- Month boundaries are taken in the session's time zone. For Swedish time, run first:
--     set TimeZone = 'Europe/Stockholm'
--
-- Columns:
--   revised_at          when a run first saw the new value
--   run_id              the run that saw it (meta_run)
--   kpi_id, kpi_title   the KPI
--   municipality_id     kommun, region (00XX), riket (0000) or Kolada group (G...)
--   municipality_name   its name
--   period, gender      the year and T/K/M
--   old_value           the value shown before (Källa: Kolada)
--   new_value           the value shown now; null when withdrawn (Källa: Kolada)
--   change              new_value - old_value
--   is_withdrawn        Kolada no longer shows a value
--   old_valid_from      since when the old value had been shown
--   indicator_count     how many goal indicators (any kommun) use the KPI
--   source_label        Källa: Kolada (the values); the difference is own processing

set variable month = date_trunc('month', current_date);

with revision as (
    select
        h.*,
        lag(h.value) over key_history as old_value,
        lag(h.valid_from) over key_history as old_valid_from
    from hist_kpi_value h
    window key_history as (
        partition by h.kpi_id, h.municipality_id, h.period, h.gender order by h.valid_from
    )
    qualify h.is_revision
        and h.valid_from >= getvariable('month')
        and h.valid_from < getvariable('month') + interval 1 month
),
place as (
    select municipality_id, title from core_municipality
    union all
    select group_id, title from core_municipality_group
),
indicator_use as (
    select kpi_id, count(*) as indicator_count
    from goal_indicator
    where kpi_id is not null
    group by kpi_id
)
select
    r.valid_from as revised_at,
    r.run_id,
    r.kpi_id,
    k.title as kpi_title,
    r.municipality_id,
    p.title as municipality_name,
    r.period,
    r.gender,
    r.old_value,
    r.value as new_value,
    r.value - r.old_value as change,
    r.is_deleted as is_withdrawn,
    r.old_valid_from,
    coalesce(u.indicator_count, 0) as indicator_count,
    'Källa: Kolada' as source_label
from revision r
left join core_kpi k using (kpi_id)
left join place p using (municipality_id)
left join indicator_use u using (kpi_id)
order by r.valid_from desc, r.kpi_id, r.municipality_id, r.period, r.gender;
