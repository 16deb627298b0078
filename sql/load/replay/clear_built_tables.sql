-- What a replay builds again from raw_: the value history, the values of units and the
-- catalogue (the goal definitions, the run manifest and the load state stay).
delete from hist_kpi_value;
delete from core_ou_value;
delete from core_kpi;
delete from core_kpi_group;
delete from core_kpi_group_member;
delete from core_municipality;
delete from core_municipality_group;
delete from core_municipality_group_member;
delete from core_ou;
