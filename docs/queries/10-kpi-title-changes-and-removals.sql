-- Question: Which goal indicators use a KPI that Kolada has retitled or removed from its
-- catalogue?
-- Svenska: "Indikatorer vars nyckeltal har bytt namn eller försvunnit ur Kolada"
--
-- Each run checks every KPI named in a goal definition and records what changed since the
-- previous check (meta_kpi_watch_change). A KPI that is missing from the catalogue today
-- (goal_indicator_kpi.kpi_missing) is listed even when its removal was seen before
-- getvariable('since').
--
-- Parameters (set them first, as below):
--   getvariable('kommun')  kommunkod, e.g. '2425', or null for every kommun
--   getvariable('since')   only changes seen at or after this moment
--
-- Columns:
--   kommun_id, goal_id, indicator_id   the indicator that uses the KPI
--   indicator_title   the indicator's title, else the KPI's title (for a removed KPI: the
--                     last title a run saw)
--   kpi_id            the KPI
--   change            titeln ändrad, borttagen ur Kolada, tillbaka i Kolada, or
--                     saknas i Koladas katalog (missing today, removal not in the period)
--   old_value         the title before (or 'true' for a KPI that existed)
--   new_value         the title after (or 'false' for a removed KPI)
--   checked_at        when the run saw the change; null for saknas i Koladas katalog
--   run_id            the run that saw the change
--   kpi_missing_now   the KPI is missing from the catalogue today

set variable kommun = null::varchar;
set variable since = date_trunc('month', current_date) - interval 3 month;

with watch_change as (
    select
        c.kpi_id,
        case
            when c.field = 'title' then 'titeln ändrad'
            when c.new_value = 'false' then 'borttagen ur Kolada'
            else 'tillbaka i Kolada'
        end as change,
        c.old_value,
        c.new_value,
        w.checked_at,
        c.run_id
    from meta_kpi_watch_change c
    join meta_kpi_watch w using (run_id, kpi_id)
    where w.checked_at >= getvariable('since')
      and (
          c.field = 'exists'
          -- A removed or returning KPI also shows a title change to or from null: skip it.
          or (c.field = 'title' and c.old_value is not null and c.new_value is not null)
      )
),
last_title as (
    select kpi_id, title
    from meta_kpi_watch
    where title is not null
    qualify row_number() over (partition by kpi_id order by checked_at desc) = 1
),
indicator as (
    select i.* replace (coalesce(i.indicator_title, t.title) as indicator_title)
    from goal_indicator_kpi i
    left join last_title t using (kpi_id)
    where i.kpi_id is not null
      and (getvariable('kommun') is null or i.kommun_id = getvariable('kommun'))
)
select
    i.kommun_id, i.goal_id, i.indicator_id, i.indicator_title, i.kpi_id,
    c.change, c.old_value, c.new_value, c.checked_at, c.run_id,
    i.kpi_missing as kpi_missing_now
from indicator i
join watch_change c using (kpi_id)
union all
select
    i.kommun_id, i.goal_id, i.indicator_id, i.indicator_title, i.kpi_id,
    'saknas i Koladas katalog', null, null, null, null,
    true
from indicator i
where i.kpi_missing
  and not exists (
      select 1 from watch_change c
      where c.kpi_id = i.kpi_id and c.change = 'borttagen ur Kolada'
  )
order by kommun_id, indicator_id, checked_at nulls last;
