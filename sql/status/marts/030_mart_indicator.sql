-- Every indicator of a goal with what it is judged by, once: the columns of the status views
-- that do not change from period to period, and the rule's parameters. Rebuilt with the
-- statuses, so that it matches them even if the goal definitions change afterwards.
create or replace table mart_indicator as
with final as (
    select
        row_number() over (order by i.kommun_id, i.indicator_id)::integer as indicator_key,
        i.kommun_id, i.indicator_id, i.goal_id,
        -- a unit's indicator is titled with the unit, unless it has a title of its own
        coalesce(i.title, k.title || coalesce(' – ' || coalesce(ou.title, i.ou_id), ''))
            as indicator_title,
        i.kpi_id, i.gender, i.direction, i.rule,
        -- the quartile rule ranks among all kommuner, whatever reference the indicator names
        case when i.rule = 'quartile' then 'all_kommuner' else i.reference_kind end
            as reference_kind,
        case when i.rule = 'quartile' then 'G2328' else case i.reference_kind
            when 'county' then substr(i.kommun_id, 1, 2)
            when 'riket' then '0000'
            when 'all_kommuner' then 'G2328'
            when 'group' then i.reference_group_id
            when 'similar' then i.reference_group_id
            when 'kommun' then i.kommun_id
            when 'own_units' then i.kommun_id
            when 'kommuner' then array_to_string(i.reference_kommuner, ',')
            when 'own_trend' then i.kommun_id
        end end as reference_id,
        case when i.reference_kind in ('group', 'similar') then rg.title end as reference_title,
        i.reference_area, i.ou_id, ou.title as ou_title,
        i.reference_kommuner, i.reference_years, i.tolerance_kind, i.tolerance_value,
        i.min_reference_count, i.trend_threshold_pct, i.motivation,
        g.mandate_first_year, g.mandate_last_year,
        i.kpi_id is not null and k.kpi_id is null as kpi_removed,
        try_cast(k.publ_period as integer) as publ_period,
        k.prel_publication_date, k.publication_date,
        case when i.kpi_id is null then 'Egen bearbetning av kommunens uppgifter'
             else 'Egen bearbetning av data från Kolada' end as source_label
    from goal_indicator i
    join goal g using (kommun_id, goal_id)
    left join core_kpi k on k.kpi_id = i.kpi_id
    left join core_municipality_group rg on rg.group_id = i.reference_group_id
    left join core_ou ou on ou.ou_id = i.ou_id
)
select * from final;

comment on table mart_indicator is 'Every indicator of a goal with what it is judged by: the columns of mart_indicator_status that do not change from period to period, and the rule''s parameters. Grain: (kommun_id, indicator_id). Rebuilt with the statuses, so that it matches them even if the goal definitions change afterwards.';
comment on column mart_indicator.indicator_key is 'Numbers the indicators (in kommun_id, indicator_id order) for mart_indicator_status_row; renumbered at every build';
comment on column mart_indicator.kommun_id is 'Kommunkod, 4 characters';
comment on column mart_indicator.indicator_id is 'Indicator id from the goal definitions';
comment on column mart_indicator.goal_id is 'The goal the indicator measures (goal.goal_id)';
comment on column mart_indicator.indicator_title is 'The indicator''s title, or the KPI''s title in Kolada';
comment on column mart_indicator.kpi_id is 'Kolada KPI id; null for a local measure';
comment on column mart_indicator.gender is 'T total, K kvinnor, M män';
comment on column mart_indicator.direction is 'higher or lower is better, or neutral';
comment on column mart_indicator.rule is 'dorotea, target_only, trend, quartile or monitor';
comment on column mart_indicator.reference_kind is 'county, riket, all_kommuner, group, kommuner, own_trend, similar, kommun or own_units; all_kommuner for the quartile rule, which ranks among all kommuner';
comment on column mart_indicator.reference_id is 'County code, 0000, group id (for similar: the group found for the kommun and area), the listed kommuner, or the kommun itself (own_trend, and for a unit kommun and own_units)';
comment on column mart_indicator.reference_title is 'The Kolada group''s title, for reference_kind group and similar, e.g. Liknande kommuner grundskola, Dorotea, 2024: how the group was chosen';
comment on column mart_indicator.reference_area is 'The area of a similar reference as the goal file names it';
comment on column mart_indicator.ou_id is 'The organisational unit whose values the indicator follows; null: the kommun''s';
comment on column mart_indicator.ou_title is 'The unit''s title in Kolada';
comment on column mart_indicator.reference_kommuner is 'The kommuner of a kommuner reference';
comment on column mart_indicator.reference_years is 'How many years back the value is compared with, for reference_kind own_trend (and the trend rule, 1 when null)';
comment on column mart_indicator.tolerance_kind is 'Kind of the dorotea tolerance: relative (%) or absolute (units of the value)';
comment on column mart_indicator.tolerance_value is 'How much worse than the reference is still yellow, for the dorotea rule';
comment on column mart_indicator.min_reference_count is 'Fewest kommuner with a value for the reference to count, for the dorotea rule';
comment on column mart_indicator.trend_threshold_pct is 'Change in percent that counts as improved or worsened, for the trend rule';
comment on column mart_indicator.motivation is 'The motivation text from the goal definitions';
comment on column mart_indicator.mandate_first_year is 'First year of the goal''s mandate: the first report year';
comment on column mart_indicator.mandate_last_year is 'Last year of the goal''s mandate: the last report year';
comment on column mart_indicator.kpi_removed is 'The indicator names a KPI that is no longer in Kolada''s catalogue';
comment on column mart_indicator.publ_period is 'The KPI''s latest published period in Kolada';
comment on column mart_indicator.prel_publication_date is 'When Kolada published the KPI''s values preliminarily';
comment on column mart_indicator.publication_date is 'When Kolada publishes (published) the KPI''s final values';
comment on column mart_indicator.source_label is 'Egen bearbetning av data från Kolada, or Egen bearbetning av kommunens uppgifter for a local measure';
