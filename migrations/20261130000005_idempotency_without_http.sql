-- An idempotent create remembers which record it made, not an HTTP answer: the answer to a
-- retry is the record as it is now, served by the HTTP layer. The status, ETag and body were
-- never read back.
alter table idempotency_keys add column record_id text;
update idempotency_keys set record_id = coalesce(regexp_replace(location, '^.*/', ''), '');
alter table idempotency_keys
    alter column record_id set not null,
    drop column status,
    drop column location,
    drop column etag,
    drop column body;
