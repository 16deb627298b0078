-- Question: How has a KPI developed over time for a kommun, compared with the county mean
-- and with riket?
-- Svenska: "Tidsserie: kommunen jämfört med länet och riket"
--
-- Parameters (set them first, as below):
--   getvariable('kommun')  kommunkod, e.g. '2425'. The county is its first two digits.
--   getvariable('kpi')     Kolada KPI id, e.g. 'N15428'
--   getvariable('gender')  'T' total, 'K' kvinnor, 'M' män
--
-- Columns:
--   period               the year
--   kommun_value         the kommun's value (Källa: Kolada)
--   county_mean          unweighted mean of the county's kommuner with a value
--                        (Egen bearbetning av data från Kolada)
--   county_count         how many of the county's kommuner had a value
--   county_expected      how many kommuner the county has
--   kolada_county_value  Kolada's own value for the county group (Källa: Kolada)
--   riket_value          Kolada's value for riket, 0000 (Källa: Kolada)
--   diff_county          kommun_value - county_mean (Egen bearbetning av data från Kolada)
--   diff_riket           kommun_value - riket_value (Egen bearbetning av data från Kolada)
-- One row per year that has any of the three values.

set variable kommun = '2425';
set variable kpi = 'N15428';
set variable gender = 'T';

with kommun_value as (
    select period, value
    from core_kpi_value
    where municipality_id = getvariable('kommun')
      and kpi_id = getvariable('kpi')
      and gender = getvariable('gender')
),
county as (
    select period, reference_value, reference_count, reference_expected, kolada_group_value
    from mart_reference_value
    where reference_kind = 'county'
      and reference_id = substr(getvariable('kommun'), 1, 2)
      and kpi_id = getvariable('kpi')
      and gender = getvariable('gender')
),
riket as (
    select period, reference_value
    from mart_reference_value
    where reference_kind = 'riket'
      and kpi_id = getvariable('kpi')
      and gender = getvariable('gender')
),
year as (
    select period from kommun_value
    union
    select period from county
    union
    select period from riket
)
select
    y.period,
    k.value as kommun_value,
    c.reference_value as county_mean,
    c.reference_count as county_count,
    c.reference_expected as county_expected,
    c.kolada_group_value as kolada_county_value,
    r.reference_value as riket_value,
    k.value - c.reference_value as diff_county,
    k.value - r.reference_value as diff_riket
from year y
left join kommun_value k using (period)
left join county c using (period)
left join riket r using (period)
order by y.period;
