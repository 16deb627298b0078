-- What this run ($1) sees of every KPI named in a goal definition (a re-run replaces it).
merge into meta_kpi_watch as watch
using (
    select
        $1 as run_id,
        g.kpi_id,
        now() as checked_at,
        k.kpi_id is not null as kpi_exists,
        k.title,
        k.description,
        k.prel_publication_date,
        k.publication_date,
        k.publ_period
    from (select distinct kpi_id from goal_indicator where kpi_id is not null) as g
    left join core_kpi as k using (kpi_id)
) as seen
on watch.run_id = seen.run_id and watch.kpi_id = seen.kpi_id
when matched then update set
    checked_at = seen.checked_at,
    kpi_exists = seen.kpi_exists,
    title = seen.title,
    description = seen.description,
    prel_publication_date = seen.prel_publication_date,
    publication_date = seen.publication_date,
    publ_period = seen.publ_period
when not matched then insert (
    run_id, kpi_id, checked_at, kpi_exists, title, description, prel_publication_date,
    publication_date, publ_period
) values (
    seen.run_id, seen.kpi_id, seen.checked_at, seen.kpi_exists, seen.title, seen.description,
    seen.prel_publication_date, seen.publication_date, seen.publ_period
)
