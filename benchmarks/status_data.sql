-- SYNTHETIC data for the status benchmark: kommuner (14 per county code), indicators per
-- kommun on as many KPIs, years of values ending in 2024, with targets on every indicator.
-- Variables: kommuner, indicators, years (SET VARIABLE).
insert into core_municipality
select '0000', 'Riket', 'L';
insert into core_municipality
select lpad((10 + (i // 14))::varchar, 2, '0') || lpad((i % 14 + 1)::varchar, 2, '0'),
       'Kommun ' || i || ' (SYNTETISK)', 'K'
from range(getvariable('kommuner')) t(i);
insert into core_kpi (kpi_id, title, is_divided_by_gender, municipality_type, has_ou_data, publ_period)
select 'N' || (10000 + k), 'KPI ' || k || ' (SYNTETISK)', false, 'K', false, '2024'
from range(getvariable('indicators')) t(k);
insert into hist_kpi_value
select 'N' || (10000 + k), m.municipality_id, 2024 - y, 'T',
       50 + (hash(k, m.municipality_id, y) % 1000) / 20.0, 1, '', false, false, now(), null, 'bench'
from range(getvariable('indicators')) a(k), range(getvariable('years')) b(y), core_municipality m;
insert into goal_definition_file
select municipality_id, title, 'bench.yaml', 'x', 'Vision', null, null, 'SYNTETISK', 2023, 2026,
       null, 'majority', now(), null
from core_municipality where municipality_type = 'K';
insert into goal
select municipality_id, 'MO' || g, null, 0, g, 'Målområde', 'Mål ' || g, null, null, 2023, 2026
from core_municipality, range(10) t(g) where municipality_type = 'K';
insert into goal_indicator
select municipality_id, 'i' || k, 'MO' || (k % 10), k, 'N' || (10000 + k), null, null, 'T',
       case when k % 3 = 0 then 'lower' else 'higher' end, 'county', null, null, null,
       'dorotea', 'relative', 10, 3, null, null, false
from core_municipality, range(getvariable('indicators')) t(k) where municipality_type = 'K';
insert into goal_indicator_target
select kommun_id, indicator_id, 2024, 75 from goal_indicator;
