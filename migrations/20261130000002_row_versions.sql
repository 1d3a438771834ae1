-- History as row versions (issue 10, first step).
--
-- Every data table keeps all versions of its rows: the current row stays in `public.<table>`
-- with `valid_from`, the dataset version that wrote it; each row a write replaces or deletes
-- moves to `history.<table>` with `valid_to`, the version that replaced it. A row is part of
-- dataset version V when `valid_from <= V < valid_to` (current rows: `valid_from <= V`).
-- Current reads keep their tables and indexes untouched; history sits beside them.
--
-- One trigger per table does it, in the transaction of the write, so no write path can forget:
-- the version being written is the setting `durand.version` when a writer sets it (the
-- backfill does), else the current dataset version plus one (writers hold the write lock and
-- bump `dataset_meta.version` last, after every row).
--
-- Databases written before this migration are backfilled from `revisions` by
-- `store::row_versions::backfill` when migrations run.

create schema history;

create function public.durand_writing_version() returns bigint
language sql stable as $$
    select coalesce(
        nullif(current_setting('durand.version', true), '')::bigint,
        (select version + 1 from public.dataset_meta),
        1
    )
$$;

create function public.durand_version_row() returns trigger
language plpgsql as $$
declare
    v bigint;
begin
    -- The backfill sets `valid_from` itself.
    if current_setting('durand.backfill', true) = 'on' then
        return case when TG_OP = 'DELETE' then OLD else NEW end;
    end if;
    v := public.durand_writing_version();
    -- A row written earlier in this same version is replaced, not versioned.
    if TG_OP in ('UPDATE', 'DELETE') and OLD.valid_from < v then
        execute format('insert into history.%I select ($1).*, $2', TG_TABLE_NAME) using OLD, v;
    end if;
    if TG_OP = 'DELETE' then
        return OLD;
    end if;
    NEW.valid_from := v;
    return NEW;
end
$$;

do $$
declare
    t text;
begin
    foreach t in array array[
        'dataset_meta', 'sources', 'actors', 'actor_relations', 'incidents', 'incident_actors',
        'incident_locations', 'claims', 'claim_about', 'claim_contradictions', 'force_figures',
        'citations'
    ] loop
        execute format('alter table public.%I add column valid_from bigint not null default 0', t);
        -- The same columns (a generated column becomes a plain one holding the old value),
        -- no keys or foreign keys: history rows never change.
        execute format('create table history.%I (like public.%I)', t, t);
        execute format('alter table history.%I add column valid_to bigint not null', t);
        execute format(
            'alter table history.%I add constraint %I check (valid_from < valid_to)',
            t, t || '_range_check'
        );
        execute format('create index on history.%I (valid_to, valid_from)', t);
        execute format(
            'create trigger versioned before insert or update or delete on public.%I '
            'for each row execute function public.durand_version_row()', t
        );
    end loop;
end
$$;

-- The schema copies of the old `as_of` are rebuilt no more once reads move to row versions;
-- until then they stay (the next migration drops them).
