-- Question: How do the kommuner of one county (län) rank on a KPI for the latest period
-- that has values?
-- Svenska: "Hur ligger länets kommuner till på nyckeltalet? Rangordning inom länet, senaste året."
--
-- Parameters (set them first, as below):
--   getvariable('county')            county code, the first two digits of the kommunkod ('24' = Västerbotten)
--   getvariable('kpi')               Kolada KPI id, e.g. 'N15428'
--   getvariable('gender')            'T' total, 'K' kvinnor, 'M' män
--   getvariable('higher_is_better')  true ranks the highest value first, false the lowest
-- The latest period is the newest year in which at least one kommun of the county has a value.
--
-- Columns:
--   ranking       1 = best in the county; ties share a rank; null when the kommun has no value
--   kommun_id     kommunkod
--   kommun_name   the kommun's name
--   kpi_id        the KPI
--   kpi_title     the KPI's title in Kolada
--   period        the year the values are for (the same for every row)
--   gender        T, K or M
--   value         the kommun's value (Källa: Kolada); null when Kolada has none for the period
--   source_label  Källa: Kolada. A published ranking is own processing: label it
--                 "Egen bearbetning av data från Kolada".
-- Every kommun of the county gets a row; those without a value come last.

set variable county = '24';
set variable kpi = 'N15428';
set variable gender = 'T';
set variable higher_is_better = true;

with kommun as (
    select municipality_id as kommun_id, title as kommun_name
    from core_municipality
    where municipality_type = 'K'
      and substr(municipality_id, 1, 2) = getvariable('county')
),
kommun_value as (
    select v.municipality_id as kommun_id, v.period, v.value
    from core_kpi_value v
    join kommun k on k.kommun_id = v.municipality_id
    where v.kpi_id = getvariable('kpi')
      and v.gender = getvariable('gender')
      and v.value is not null
),
latest as (
    select max(period) as period from kommun_value
),
ranked as (
    select k.kommun_id, k.kommun_name, l.period, v.value,
           case when getvariable('higher_is_better') then -v.value else v.value end as sort_value
    from kommun k
    cross join latest l
    left join kommun_value v on v.kommun_id = k.kommun_id and v.period = l.period
)
select
    case when r.value is not null then rank() over (order by r.sort_value nulls last) end
        as ranking,
    r.kommun_id,
    r.kommun_name,
    getvariable('kpi') as kpi_id,
    kpi.title as kpi_title,
    r.period,
    getvariable('gender') as gender,
    r.value,
    'Källa: Kolada' as source_label
from ranked r
left join core_kpi kpi on kpi.kpi_id = getvariable('kpi')
order by r.sort_value nulls last, r.kommun_name;
