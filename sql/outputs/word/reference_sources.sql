-- Where the reference value each indicator of one report shows comes from, as
-- mart_reference_value labels it: 'Källa: Kolada' for Kolada's own values (Riket), 'Egen
-- bearbetning av data från Kolada' for the means computed here. References that mart does not
-- hold (own trend, listed kommuner) have no row: they are always computed here.
-- Parameters: $kommun_id, $mode, $year.
with
shown as (
    select indicator_id, reference_kind, reference_id, kpi_id, gender, reference_period
    from mart_indicator_report
    where kommun_id = $kommun_id and report_mode = $mode and report_year = $year
      and reference_value is not null
),

final as (
    select s.indicator_id, r.source_label
    from shown s
    join mart_reference_value r
      on r.reference_kind = s.reference_kind and r.reference_id = s.reference_id
     and r.kpi_id = s.kpi_id and r.gender = s.gender and r.period = s.reference_period
)

select indicator_id, source_label from final
order by indicator_id;
