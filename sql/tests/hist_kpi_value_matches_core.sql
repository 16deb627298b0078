-- The open, not deleted history rows are exactly the current values.
with

current_history as (
    select kpi_id, municipality_id, period, gender, value, count, status
    from hist_kpi_value
    where valid_to is null and not is_deleted and municipality_id not like 'G%'
),

core as (
    select kpi_id, municipality_id, period, gender, value, count, status
    from core_kpi_value
),

final as (
    (select 'missing in core' as problem, * from current_history
     except select 'missing in core', * from core)
    union all
    (select 'missing in history', * from core
     except select 'missing in history', * from current_history)
)

select * from final
