-- Kolada's KPI catalogue as of the latest metadata refresh. Grain: kpi_id.
create table if not exists core_kpi (
    kpi_id varchar primary key,
    title varchar not null,
    description varchar,
    is_divided_by_gender boolean not null,
    municipality_type varchar not null,   -- 'K' kommuner, 'L' regions, 'A' both
    auspice varchar,
    operating_area varchar,
    perspective varchar,
    prel_publication_date date,
    publication_date date,
    publ_period varchar,
    has_ou_data boolean not null
);

comment on table core_kpi is 'Kolada''s KPI catalogue as of the latest metadata refresh. Grain: kpi_id.';
comment on column core_kpi.kpi_id is 'Kolada KPI id, N or U and five digits, e.g. N15428';
comment on column core_kpi.title is 'The KPI''s title in Kolada';
comment on column core_kpi.description is 'Kolada''s description of the KPI: what is measured and how';
comment on column core_kpi.is_divided_by_gender is 'Values exist per gender (K kvinnor, M män) besides the total (T)';
comment on column core_kpi.municipality_type is '''K'' kommuner, ''L'' regions, ''A'' both';
comment on column core_kpi.auspice is 'Kolada''s auspice code of the KPI, as given';
comment on column core_kpi.operating_area is 'Kolada''s operating area (verksamhetsområde) of the KPI, as given';
comment on column core_kpi.perspective is 'Kolada''s perspective of the KPI, as given';
comment on column core_kpi.prel_publication_date is 'When preliminary values for publ_period are published';
comment on column core_kpi.publication_date is 'When final values for publ_period are published';
comment on column core_kpi.publ_period is 'The period (year, as text) the publication dates refer to; later periods are not published yet';
comment on column core_kpi.has_ou_data is 'Values also exist per organisational unit (see core_ou_value)';
