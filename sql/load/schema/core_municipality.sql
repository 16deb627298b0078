-- Riket (0000), the 21 regions (00XX, type L) and the 290 kommuner (type K). Grain: municipality_id.
create table if not exists core_municipality (
    municipality_id varchar primary key,
    title varchar not null,
    municipality_type varchar not null
);

comment on table core_municipality is 'Riket (0000), the 21 regions (00XX, type L) and the 290 kommuner (type K). Grain: municipality_id.';
comment on column core_municipality.municipality_id is 'Kommunkod or region code, 4 characters: 0000 Riket, 00XX a region, else a kommun';
comment on column core_municipality.title is 'Name of the kommun, region or Riket';
comment on column core_municipality.municipality_type is '''K'' kommun or ''L'' region, as Kolada types the id';
