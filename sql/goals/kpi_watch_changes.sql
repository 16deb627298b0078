-- Compare this run's ($1) view of the watched KPIs with the latest earlier check of each.
insert or replace into meta_kpi_watch_change
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
)
select $1, kpi_id, f.field, f.old, f.new
from (select kpi_id, unnest(fields) as f from pairs)
where f.old is distinct from f.new
