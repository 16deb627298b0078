-- Raw landing is an audit trail of what was fetched; hist_kpi_value keeps every value for
-- good. Remove raw rows fetched before $cutoff, one table per statement. A metadata record is
-- landed only when it changes, so its latest row is kept however old while it is current (the
-- current lists are rebuilt from it): only superseded rows and removal marks go.
delete from raw_kpi_value where fetched_at < $cutoff;
delete from raw_ou_value where fetched_at < $cutoff;
delete from raw_metadata_record as old
where old.fetched_at < $cutoff
  and (
      old.is_removed
      or exists (
          select 1
          from raw_metadata_record as later
          where later.entity = old.entity
            and later.record_id = old.record_id
            and later.fetched_at > old.fetched_at
      )
  );
delete from raw_page where fetched_at < $cutoff;
delete from raw_request as request
where not exists (
    select 1 from raw_page as page
    where page.run_id = request.run_id and page.request_id = request.request_id
);
