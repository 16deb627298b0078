-- Question: Where does the county mean computed here disagree with the value Kolada shows
-- for its county group ("<Län> läns kommuner (ovägt medel)")?
-- Svenska: "Var skiljer sig vårt länsmedel från Koladas länsvärde?"
--
-- The same check is made for the mean of all kommuner (G2328) and for the Kolada groups
-- that goal definitions name; reference_kind tells them apart, county rows come first.
-- A difference counts when it is larger than Kolada's rounding. Common causes: Kolada
-- computed its mean before some kommuner reported (compare the two counts), or the group's
-- members differ from the county's kommuner.
--
-- Parameters (set them first, as below):
--   getvariable('kpi')  one Kolada KPI id, e.g. 'N15428', or null for every KPI
--
-- Columns:
--   reference_kind       county, all_kommuner or group
--   reference_id         county code, or the Kolada group id
--   group_title          the Kolada group's title
--   kpi_id, kpi_title    the KPI
--   period, gender       the year and T/K/M
--   computed_mean        unweighted mean of the members with a value
--                        (Egen bearbetning av data från Kolada)
--   computed_count       how many members had a value
--   expected_count       how many members the reference has
--   kolada_group_id      the Kolada group compared with
--   kolada_value         Kolada's value for the group (Källa: Kolada)
--   kolada_count         Kolada's count of members with a value (Källa: Kolada)
--   difference           computed_mean - kolada_value
--   count_differs        the two counts differ

set variable kpi = null::varchar;

select
    r.reference_kind,
    r.reference_id,
    g.title as group_title,
    r.kpi_id,
    k.title as kpi_title,
    r.period,
    r.gender,
    r.reference_value as computed_mean,
    r.reference_count as computed_count,
    r.reference_expected as expected_count,
    r.kolada_group_id,
    r.kolada_group_value as kolada_value,
    r.kolada_group_count as kolada_count,
    r.reference_value - r.kolada_group_value as difference,
    r.reference_count is distinct from r.kolada_group_count as count_differs
from mart_reference_value r
left join core_municipality_group g on g.group_id = r.kolada_group_id
left join core_kpi k on k.kpi_id = r.kpi_id
where r.disagrees_with_kolada
  and (getvariable('kpi') is null or r.kpi_id = getvariable('kpi'))
order by r.reference_kind <> 'county', abs(difference) desc, r.kpi_id, r.reference_id, r.period;
