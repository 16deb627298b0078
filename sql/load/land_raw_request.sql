insert into raw_request
select $run_id, $entity, unnest($request_ids), unnest($request_urls), unnest($page_urls), unnest($page_numbers),
       unnest($fetched_ats), unnest($record_counts)
