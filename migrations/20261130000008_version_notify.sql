-- Every Durand process learns of a new dataset version at once, instead of re-reading the
-- version on a timer: whatever changes `dataset_meta` (a write, an import, a reload)
-- publishes the new version on the `durand_versions` channel from inside its own
-- transaction, so the notification is delivered exactly when, and only if, it commits.
-- The payload is the version as text ('' when the dataset is removed).

create function durand_notify_version() returns trigger
language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        perform pg_notify('durand_versions', '');
    else
        perform pg_notify('durand_versions', new.version::text);
    end if;
    return null;
end
$$;

create trigger dataset_meta_notify_version
    after insert or update or delete on dataset_meta
    for each row execute function durand_notify_version();
