-- Goal indicators joined to Kolada's KPI metadata: title, gender split, publication dates and
-- whether the KPI still exists. Grain: (kommun_id, indicator_id).
create or replace view goal_indicator_kpi as
select
    i.kommun_id, i.indicator_id, i.goal_id, i.kpi_id,
    coalesce(i.title, k.title) as indicator_title,
    k.title as kpi_title,
    i.gender, i.direction, i.reference_kind, i.rule,
    i.kpi_id is null as is_local,
    i.kpi_id is not null and k.kpi_id is null as kpi_missing,
    k.is_divided_by_gender, k.municipality_type, k.operating_area, k.perspective,
    k.prel_publication_date, k.publication_date, k.publ_period
from goal_indicator i
left join core_kpi k using (kpi_id);

comment on view goal_indicator_kpi is 'Goal indicators joined to Kolada''s KPI metadata: title, gender split, publication dates and whether the KPI still exists. Grain: (kommun_id, indicator_id).';
comment on column goal_indicator_kpi.kommun_id is 'Kommunkod, 4 characters';
comment on column goal_indicator_kpi.indicator_id is 'The indicator''s id in the kommun''s goal-definition file';
comment on column goal_indicator_kpi.goal_id is 'The goal the indicator measures (goal.goal_id)';
comment on column goal_indicator_kpi.kpi_id is 'Kolada KPI id; null for a local measure';
comment on column goal_indicator_kpi.indicator_title is 'The indicator''s own title, else the KPI''s title in Kolada';
comment on column goal_indicator_kpi.kpi_title is 'The KPI''s title in Kolada; null for a local measure or a missing KPI';
comment on column goal_indicator_kpi.gender is 'T total, K kvinnor or M män';
comment on column goal_indicator_kpi.direction is 'Which way is better: higher, lower, neutral';
comment on column goal_indicator_kpi.reference_kind is 'What the value is compared with: county, riket, all_kommuner, group, kommuner, own_trend';
comment on column goal_indicator_kpi.rule is 'How the status is set: dorotea, target_only, trend, quartile, monitor';
comment on column goal_indicator_kpi.is_local is 'The indicator is a local measure, not a Kolada KPI';
comment on column goal_indicator_kpi.kpi_missing is 'The indicator names a KPI that is not in Kolada''s catalogue (core_kpi)';
comment on column goal_indicator_kpi.is_divided_by_gender is 'The KPI has values per gender (K, M) besides the total (T)';
comment on column goal_indicator_kpi.municipality_type is 'Who the KPI is reported for: ''K'' kommuner, ''L'' regions, ''A'' both';
comment on column goal_indicator_kpi.operating_area is 'Kolada''s operating area (verksamhetsområde) of the KPI, as given';
comment on column goal_indicator_kpi.perspective is 'Kolada''s perspective of the KPI, as given';
comment on column goal_indicator_kpi.prel_publication_date is 'When preliminary values for publ_period are published';
comment on column goal_indicator_kpi.publication_date is 'When final values for publ_period are published';
comment on column goal_indicator_kpi.publ_period is 'The period (year, as text) the publication dates refer to; later periods are not published yet';
