-- Reads that stay flat as the data grows (issue 10, part 2: measured by bench/scale).
--
-- 1. `as_of` views whose union the planner can flatten. A UNION ALL branch with its own WHERE
--    cannot become an append member, so the views of migration 20261130000003 planned as
--    subquery scans: every past-version list sorted the whole table (150 ms at 100,000
--    incidents). Here the branches are bare and the validity test sits outside, where the
--    planner pushes it into each branch: a page of a past version is a merge of two ordered
--    index scans, like a current page. A migration that adds a column to a data table must
--    recreate that table's view (the column list is fixed when the view is made).
-- 2. The history tables get every ordering and filter index of their current tables (not
--    their unique ones: a key has many versions), so the history side of that merge is an
--    index scan too, however many edits there have been.
-- 3. The timeline's order (first day, last day, id) as an index on incidents and claims, so a
--    timeline page reads its rows straight off the index.

do $$
declare
    t text;
    columns text;
    ix record;
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
        execute format('drop view asof.%I', t);
        execute format(
            'create view asof.%I as '
            'select %s from ('
            'select %s, null::bigint as valid_to from public.%I '
            'union all '
            'select %s, valid_to from history.%I'
            ') v where valid_from <= public.durand_as_of() '
            'and (valid_to is null or public.durand_as_of() < valid_to)',
            t, columns, columns, t, columns, t
        );
        for ix in
            select pg_get_indexdef(i.indexrelid) as def
              from pg_index i
             where i.indrelid = format('public.%I', t)::regclass
               and not i.indisunique
        loop
            execute regexp_replace(ix.def, '^CREATE INDEX \S+ ON public\.', 'CREATE INDEX ON history.');
        end loop;
    end loop;
end
$$;

create index incidents_timeline_idx on incidents (date_start, date_end, id);
create index claims_timeline_idx on claims (made_start, made_end, id);
create index on history.incidents (date_start, date_end, id);
create index on history.claims (made_start, made_end, id);

-- 4. Record counts per dataset version, kept by each write from the counts before it plus
--    what it created and deleted, so `/v1/dataset` does not count a million rows per request.
--    Versions before this migration have none: reading them counts, as before.
alter table dataset_versions add column if not exists counts jsonb;
update dataset_versions set counts = jsonb_build_object(
    'actors', (select count(*) from actors),
    'sources', (select count(*) from sources),
    'claims', (select count(*) from claims),
    'incidents', (select count(*) from incidents),
    'force_figures', (select count(*) from force_figures)
) where version = (select version from dataset_meta);
