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
