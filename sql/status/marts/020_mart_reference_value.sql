-- Reference values per (reference_kind, reference_id, kpi_id, period, gender): county means
-- computed from member values (with Kolada's own county group value beside them), Riket,
-- all kommuner, and the Kolada groups that goal definitions name. Region values (00XX) are
-- never used as a county mean.
create or replace table mart_reference_value as
with kommun as (
    select municipality_id, substr(municipality_id, 1, 2) as county_code
    from core_municipality where municipality_type = 'K'
),
kommun_value as (
    select v.kpi_id, v.period, v.gender, v.municipality_id, v.value, k.county_code
    from core_kpi_value v join kommun k using (municipality_id)
),
county_expected as (select county_code, count(*) as expected from kommun group by county_code),
county_mean as (
    select kpi_id, period, gender, county_code,
           avg(value) as mean_value, count(value) as contributing
    from kommun_value group by kpi_id, period, gender, county_code
),
county as (
    select 'county' as reference_kind, c.county_code as reference_id, c.kpi_id, c.period, c.gender,
           c.mean_value as reference_value, c.contributing as reference_count,
           e.expected as reference_expected,
           g.group_id as kolada_group_id, gv.value as kolada_group_value,
           gv.member_count as kolada_group_count
    from county_mean c
    join county_expected e using (county_code)
    left join mart_county_group g using (county_code)
    left join core_municipality_group_value gv
        on gv.group_id = g.group_id and gv.kpi_id = c.kpi_id
       and gv.period = c.period and gv.gender = c.gender
),
all_kommuner_mean as (
    select kpi_id, period, gender, avg(value) as mean_value, count(value) as contributing
    from kommun_value group by kpi_id, period, gender
),
all_kommuner as (
    select 'all_kommuner', 'G2328', a.kpi_id, a.period, a.gender, a.mean_value, a.contributing,
           (select count(*) from kommun), 'G2328', gv.value, gv.member_count
    from all_kommuner_mean a
    left join core_municipality_group_value gv
        on gv.group_id = 'G2328' and gv.kpi_id = a.kpi_id
       and gv.period = a.period and gv.gender = a.gender
),
riket as (
    select 'riket', '0000', kpi_id, period, gender, value, case when value is null then 0 else 1 end,
           1, null, null, null
    from core_kpi_value where municipality_id = '0000'
),
-- The Kolada groups goal definitions compare with, by the kind of reference that names them
-- (group, or similar: the similar-kommuner group found for the kommun), and those of the
-- cost-quality pairs.
named_group as (
    select distinct reference_kind, reference_group_id as group_id from goal_indicator
    where reference_kind in ('group', 'similar') and reference_group_id is not null
    union
    select reference_kind, reference_group_id from goal_cost_quality
    where reference_kind in ('group', 'similar') and reference_group_id is not null
),
named_group_member as (
    select n.reference_kind, m.group_id, m.member_id
    from core_municipality_group_member m join named_group n using (group_id)
    where m.valid_to is null
),
named_group_mean as (
    select n.reference_kind, n.group_id, v.kpi_id, v.period, v.gender,
           avg(v.value), count(v.value),
           (select count(*) from named_group_member x
            where x.group_id = n.group_id and x.reference_kind = n.reference_kind),
           n.group_id, gv.value, gv.member_count
    from named_group_member n
    join kommun_value v on v.municipality_id = n.member_id
    left join core_municipality_group_value gv
        on gv.group_id = n.group_id and gv.kpi_id = v.kpi_id
       and gv.period = v.period and gv.gender = v.gender
    group by n.reference_kind, n.group_id, v.kpi_id, v.period, v.gender, gv.value,
             gv.member_count
),
-- union all matches by position: the columns take the names of county, the first.
reference as (
    select * from county
    union all select * from all_kommuner
    union all select * from riket
    union all select * from named_group_mean
),
final as (
    select *,
           -- Kolada rounds its group means; a difference beyond rounding is worth a look.
           kolada_group_value is not null and reference_value is not null
               and abs(kolada_group_value - reference_value) > 0.051 + 0.001 * abs(reference_value)
               as disagrees_with_kolada,
           case when reference_kind = 'riket' then 'Källa: Kolada'
                else 'Egen bearbetning av data från Kolada' end as source_label
    from reference
)
select * from final;

comment on table mart_reference_value is 'Reference values to compare kommuner with. Grain: (reference_kind, reference_id, kpi_id, period, gender). county, all_kommuner, group and similar are unweighted means computed here from member values; riket is Kolada''s value for 0000.';
comment on column mart_reference_value.reference_kind is 'county (the kommuner of one län), all_kommuner, riket, group (a Kolada group named in a goal definition), similar (the similar-kommuner group of a kommun and area)';
comment on column mart_reference_value.reference_id is 'county code (e.g. 24), 0000 for riket, or the Kolada group id';
comment on column mart_reference_value.reference_value is 'Unweighted mean of the members with a value (riket: Kolada''s value)';
comment on column mart_reference_value.reference_count is 'How many members had a value';
comment on column mart_reference_value.reference_expected is 'How many members the reference has';
comment on column mart_reference_value.kolada_group_value is 'Kolada''s own value for the matching group (Källa: Kolada), beside the computed mean';
comment on column mart_reference_value.kolada_group_count is 'Kolada''s count of members with a value';
comment on column mart_reference_value.disagrees_with_kolada is 'The computed mean and Kolada''s group value differ by more than rounding';
comment on column mart_reference_value.source_label is 'Källa: Kolada for Kolada''s own values; Egen bearbetning av data från Kolada for computed means';
