-- Compare this run's ($1) view of the watched KPIs with the latest earlier check of each
-- (a re-run replaces its rows).
merge into meta_kpi_watch_change as change
using (
with now_seen as (select * from meta_kpi_watch where run_id = $1),
before as (
    select * from meta_kpi_watch
    where run_id <> $1
    qualify row_number() over (partition by kpi_id order by checked_at desc) = 1
),
pairs as (
    select n.kpi_id,
        [
            {'field': 'exists', 'old': b.kpi_exists::varchar, 'new': n.kpi_exists::varchar},
            {'field': 'title', 'old': b.title, 'new': n.title},
            {'field': 'description', 'old': b.description, 'new': n.description},
            {'field': 'prel_publication_date', 'old': b.prel_publication_date::varchar,
             'new': n.prel_publication_date::varchar},
            {'field': 'publication_date', 'old': b.publication_date::varchar,
             'new': n.publication_date::varchar},
            {'field': 'publ_period', 'old': b.publ_period, 'new': n.publ_period}
        ] as fields
    from now_seen n join before b using (kpi_id)
),
final as (
    select $1 as run_id, kpi_id, f.field, f.old as old_value, f.new as new_value
    from (select kpi_id, unnest(fields) as f from pairs)
    where f.old is distinct from f.new
)
select * from final
) as found
on change.run_id = found.run_id and change.kpi_id = found.kpi_id and change.field = found.field
when matched then update set old_value = found.old_value, new_value = found.new_value
when not matched then insert (run_id, kpi_id, field, old_value, new_value)
    values (found.run_id, found.kpi_id, found.field, found.old_value, found.new_value)
