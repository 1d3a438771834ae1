-- `as_of` reads row versions (issue 10, second step): no copy of the data per version.
--
-- The schema `asof` holds one view per data table, with the table's name and columns, showing
-- the rows valid at the dataset version in the setting `durand.as_of`: current rows written
-- at or before it, and history rows whose range holds it. A read of a past version runs the
-- store's usual queries in a transaction with `search_path = asof` and that setting (both
-- local to the transaction), on the same pool as every other read; nothing is built, and
-- nothing per version is kept. A migration that adds a column to a data table must recreate
-- its view.

create function public.durand_as_of() returns bigint
language sql stable as $$
    select current_setting('durand.as_of')::bigint
$$;

create schema asof;

do $$
declare
    t text;
    columns text;
begin
    foreach t in array array[
        'dataset_meta', 'sources', 'actors', 'actor_relations', 'incidents', 'incident_actors',
        'incident_locations', 'claims', 'claim_about', 'claim_contradictions', 'force_figures',
        'citations'
    ] loop
        select string_agg(quote_ident(column_name), ', ' order by ordinal_position)
          into columns
          from information_schema.columns
         where table_schema = 'public' and table_name = t;
        execute format(
            'create view asof.%I as '
            'select %s from public.%I where valid_from <= public.durand_as_of() '
            'union all '
            'select %s from history.%I where valid_from <= public.durand_as_of() '
            'and public.durand_as_of() < valid_to',
            t, columns, t, columns, t
        );
    end loop;
end
$$;

-- History rows are found by the version they were valid at.
-- (history.<table> already has an index on (valid_to, valid_from).)

-- The schema copies the old `as_of` built, one per version read: gone for good.
do $$
declare
    s text;
begin
    for s in select nspname from pg_namespace where nspname ~ '^asof_[0-9]+$' loop
        execute format('drop schema %I cascade', s);
    end loop;
end
$$;
