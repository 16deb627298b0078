-- Every status is one of the four colours, grey always has a reason, and nothing computed
-- is labelled as Kolada's own figure.
select kommun_id, indicator_id, mode, period, status, reason, source_label
from mart_indicator_status
where status not in ('green', 'yellow', 'red', 'grey')
   or (status = 'grey' and coalesce(reason, '') = '')
   or source_label = 'Källa: Kolada'
