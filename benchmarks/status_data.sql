-- SYNTHETIC data for the status benchmark: kommuner (14 per county code), indicators per
-- kommun on as many KPIs, years of values ending in 2024, with targets on every indicator.
-- Variables: kommuner, indicators, years (SET VARIABLE).
insert into core_municipality (municipality_id, title, municipality_type)
select '0000', 'Riket', 'L';
insert into core_municipality (municipality_id, title, municipality_type)
select lpad((10 + (i // 14))::varchar, 2, '0') || lpad((i % 14 + 1)::varchar, 2, '0'),
       'Kommun ' || i || ' (SYNTETISK)', 'K'
from range(getvariable('kommuner')) t(i);
insert into core_kpi (kpi_id, title, is_divided_by_gender, municipality_type, has_ou_data, publ_period)
select 'N' || (10000 + k), 'KPI ' || k || ' (SYNTETISK)', false, 'K', false, '2024'
from range(getvariable('indicators')) t(k);
insert into hist_kpi_value (kpi_id, municipality_id, period, gender, value, count, status,
                            is_deleted, is_revision, valid_from, valid_to, run_id)
select 'N' || (10000 + k), m.municipality_id, 2024 - y, 'T',
       50 + (hash(k, m.municipality_id, y) % 1000) / 20.0, 1, '', false, false, now(), null, 'bench'
from range(getvariable('indicators')) a(k), range(getvariable('years')) b(y), core_municipality m;
insert into goal_definition_file (kommun_id, kommun_name, file_path, file_sha256, vision,
                                  vision_year, policy_source, note, mandate_first_year,
                                  mandate_last_year, levels, rollup_method, loaded_at,
                                  loaded_run_id)
select municipality_id, title, 'bench.yaml', 'x', 'Vision', null, null, 'SYNTETISK', 2023, 2026,
       null, 'majority', now(), null
from core_municipality where municipality_type = 'K';
insert into goal (kommun_id, goal_id, parent_goal_id, depth, ordinal, level, title, owner,
                  description, mandate_first_year, mandate_last_year)
select municipality_id, 'MO' || g, null, 0, g, 'Målområde', 'Mål ' || g, null, null, 2023, 2026
from core_municipality, range(10) t(g) where municipality_type = 'K';
insert into goal_indicator (kommun_id, indicator_id, goal_id, ordinal, kpi_id, local_unit, title,
                            gender, direction, reference_kind, reference_group_id,
                            reference_kommuner, reference_years, rule, tolerance_kind,
                            tolerance_value, min_reference_count, trend_threshold_pct,
                            motivation, is_example)
select municipality_id, 'i' || k, 'MO' || (k % 10), k, 'N' || (10000 + k), null, null, 'T',
       case when k % 3 = 0 then 'lower' else 'higher' end, 'county', null, null, null,
       'dorotea', 'relative', 10, 3, null, null, false
from core_municipality, range(getvariable('indicators')) t(k) where municipality_type = 'K';
insert into goal_indicator_target (kommun_id, indicator_id, period, target_value)
select kommun_id, indicator_id, 2024, 75 from goal_indicator;
