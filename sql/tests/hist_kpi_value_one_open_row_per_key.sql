select kpi_id, municipality_id, period, gender, count(*) as open_rows
from hist_kpi_value
where valid_to is null
group by all
having count(*) > 1
