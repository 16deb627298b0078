-- Question: Which values did a kommun have in Kolada on a past date (e.g. the day the
-- delårsrapport was written), and how do they differ from today's values?
-- Svenska: "Vilka värden visade Kolada den dagen?" (värdena som de såg ut vid delårsrapporten)
--
-- kpi_value_as_of(ts) returns the values as the nightly runs saw them at that moment. It
-- knows nothing from before the first run.
--
-- Parameters (set them first, as below):
--   getvariable('as_of')   the moment, a timestamp with time zone
--   getvariable('kommun')  kommunkod, e.g. '2425'
--   getvariable('kpi')     one Kolada KPI id, e.g. 'N15428', or null for every KPI
--
-- Columns:
--   kpi_id, kpi_title   the KPI
--   period, gender      the year and T/K/M
--   value_then          the value shown at as_of (Källa: Kolada); null if none was shown
--   value_now           the value shown today (Källa: Kolada); null if none is shown
--   change              oförändrat, reviderat, tillkommit (new since as_of) or
--                       borttaget (withdrawn since as_of)
--   source_label        Källa: Kolada

set variable as_of = timestamptz '2026-09-30 23:59:59+02';
set variable kommun = '2425';
set variable kpi = 'N15428';

with value_then as (
    select kpi_id, period, gender, value
    from kpi_value_as_of(getvariable('as_of'))
    where municipality_id = getvariable('kommun')
      and (getvariable('kpi') is null or kpi_id = getvariable('kpi'))
),
value_now as (
    select kpi_id, period, gender, value
    from core_kpi_value
    where municipality_id = getvariable('kommun')
      and (getvariable('kpi') is null or kpi_id = getvariable('kpi'))
),
compared as (
    select
        kpi_id, period, gender,
        t.value as value_then,
        n.value as value_now,
        case
            when t.kpi_id is null then 'tillkommit'
            when n.kpi_id is null then 'borttaget'
            when t.value is not distinct from n.value then 'oförändrat'
            else 'reviderat'
        end as change
    from value_then t
    full join value_now n using (kpi_id, period, gender)
)
select
    c.kpi_id,
    k.title as kpi_title,
    c.period,
    c.gender,
    c.value_then,
    c.value_now,
    c.change,
    'Källa: Kolada' as source_label
from compared c
left join core_kpi k using (kpi_id)
order by c.kpi_id, c.period, c.gender;
