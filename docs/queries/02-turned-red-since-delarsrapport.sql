-- Question: Which indicators of a kommun are red now but were not red in the delårsrapport?
-- Svenska: "Vilka indikatorer har blivit röda sedan delårsrapporten?"
--
-- How: the delårsrapport is a frozen snapshot. When a report is frozen, its rows are copied
-- from mart_indicator_report into snap_indicator_status under a label (snapshot_label, e.g.
-- 'delår 2025'). This query compares that snapshot with what the årsredovisning for the
-- same year shows today (mart_indicator_report, report_mode 'outcome'). It always uses the
-- snapshot, never the live forecast mode of mart_indicator_report: the forecast is
-- recomputed every night and so is no longer what the delårsrapport showed. It returns no
-- rows until a snapshot with the label exists. Indicators added after the snapshot are not
-- listed. When a label was frozen more than once, the latest snapshot_at is used.
--
-- Parameters (set them first, as below):
--   getvariable('kommun')          kommunkod, e.g. '2425'
--   getvariable('report_year')     the year both reports are for, e.g. 2025
--   getvariable('snapshot_label')  the label the delårsrapport was frozen under
--   getvariable('snapshot_mode')   the report_mode of the snapshot rows to compare with:
--                                  'forecast' (delårsrapport) or 'outcome'
--
-- Columns:
--   goal_id, indicator_id, indicator_title, kpi_id   which indicator (and its goal and KPI)
--   status_then      status in the snapshot (green, yellow or grey)
--   period_then      the period of the value the snapshot showed
--   mode_then        outcome or forecast: what kind of value the snapshot showed
--   value_then       the value the snapshot showed
--   reason_then      why the snapshot had that status
--   status_now       red
--   period_now       the period of the value shown today
--   value_now        the kommun's value shown today (Källa: Kolada for KPIs)
--   reference_value  the reference the value is compared with (often a computed mean)
--   deviation_pct    (value - reference) / |reference| * 100
--   target_value     the målvärde for the period, if any
--   reason_now       why it is red, in Swedish
--   snapshot_at      when the snapshot was frozen
--   source_label     Egen bearbetning av data från Kolada (statuses are computed)

set variable kommun = '2425';
set variable report_year = 2025;
set variable snapshot_label = 'delår 2025';
set variable snapshot_mode = 'forecast';

with snapshot as (
    select *
    from snap_indicator_status
    where snapshot_label = getvariable('snapshot_label')
      and kommun_id = getvariable('kommun')
      and report_mode = getvariable('snapshot_mode')
      and report_year = getvariable('report_year')
    qualify snapshot_at = max(snapshot_at) over ()
),
today as (
    select *
    from mart_indicator_report
    where kommun_id = getvariable('kommun')
      and report_mode = 'outcome'
      and report_year = getvariable('report_year')
)
select
    t.goal_id,
    t.indicator_id,
    t.indicator_title,
    t.kpi_id,
    s.status as status_then,
    s.period as period_then,
    s.mode as mode_then,
    s.value as value_then,
    s.reason as reason_then,
    t.status as status_now,
    t.period as period_now,
    t.value as value_now,
    t.reference_value,
    t.deviation_pct,
    t.target_value,
    t.reason as reason_now,
    s.snapshot_at,
    t.source_label
from today t
join snapshot s using (kommun_id, indicator_id)
where t.status = 'red'
  and s.status <> 'red'
order by t.goal_id, t.indicator_id;
