-- Riket (0000), the 21 regions (00XX, type L) and the 290 kommuner (type K). Grain: municipality_id.
create table if not exists core_municipality (
    municipality_id varchar primary key,
    title varchar not null,
    municipality_type varchar not null
);
