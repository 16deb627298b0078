insert into raw_request
    (run_id, entity, request_id, request_url, page_url, page_number, fetched_at, record_count)
select $run_id, $entity, unnest($request_ids), unnest($request_urls), unnest($page_urls),
       unnest($page_numbers), unnest($fetched_ats), unnest($record_counts)
