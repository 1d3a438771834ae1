-- Full-text search over the documents (`GET /v1/search`).
--
-- Each searchable table gets a stored generated `search` column built from its document's
-- text fields, with names and titles weighted 'A' and descriptive text 'B', and a GIN index.
-- Generated from `doc`, it can never drift from the record. Every expression is immutable:
-- `->>`, `coalesce`, `||`, `jsonb_path_query_array` and `to_tsvector` with an explicit
-- configuration (the one-argument form depends on a setting and is not allowed here).
-- Arrays of strings are turned into text by casting the jsonb array (`["a", "b"]`), whose
-- quotes and commas the parser drops.

alter table actors add column search tsvector generated always as (
    setweight(to_tsvector('english'::regconfig,
        coalesce(doc ->> 'name', '') || ' ' || coalesce((doc -> 'aliases')::text, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(doc ->> 'description', '')), 'B')
) stored;
create index actors_search_idx on actors using gin (search);

alter table sources add column search tsvector generated always as (
    setweight(to_tsvector('english'::regconfig,
        coalesce(doc ->> 'title', '') || ' ' || coalesce(doc ->> 'publisher', '')), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(doc ->> 'note', '')), 'B')
) stored;
create index sources_search_idx on sources using gin (search);

alter table claims add column search tsvector generated always as (
    setweight(to_tsvector('english'::regconfig, coalesce(doc ->> 'statement', '')), 'A')
    || setweight(to_tsvector('english'::regconfig,
        coalesce(doc ->> 'quote', '') || ' '
        || coalesce(doc #>> '{spokesperson,name}', '') || ' '
        || coalesce(doc #>> '{spokesperson,role}', '')), 'B')
    || setweight(to_tsvector('english'::regconfig,
        jsonb_path_query_array(doc, '$.figures[*].text')::text || ' '
        || jsonb_path_query_array(doc, '$.figures[*].subject')::text), 'C')
) stored;
create index claims_search_idx on claims using gin (search);

alter table incidents add column search tsvector generated always as (
    setweight(to_tsvector('english'::regconfig, coalesce(doc ->> 'title', '')), 'A')
    || setweight(to_tsvector('english'::regconfig,
        coalesce(doc ->> 'summary', '') || ' '
        || jsonb_path_query_array(doc, '$.locations[*].name')::text || ' '
        || jsonb_path_query_array(doc, '$.locations[*].admin1')::text), 'B')
) stored;
create index incidents_search_idx on incidents using gin (search);
