-- Durand's first schema.
--
-- Each record is stored whole as `doc` (the JSON the API serves, minus derived fields), next
-- to the columns and child tables that filters, keyset pagination and foreign keys need.
-- The document is the record; the columns index it. Both are written by one store function
-- in one transaction, so they cannot drift apart.
--
-- Foreign keys are deferrable so that a whole dataset (or, later, an editor's write touching
-- several records) can be written in any order inside one transaction.

create table dataset_meta (
    singleton boolean primary key default true check (singleton),
    version text not null,
    updated_at timestamptz not null,
    doc jsonb not null
);

create table sources (
    id text primary key check (id ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    kind text not null,
    doc jsonb not null
);
create index sources_kind_id_idx on sources (kind, id);

create table actors (
    id text primary key check (id ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    kind text not null,
    country text check (country ~ '^[A-Z]{2}$'),
    doc jsonb not null
);
create index actors_kind_id_idx on actors (kind, id);
create index actors_country_id_idx on actors (country, id);

create table actor_relations (
    actor_id text not null references actors (id) on delete cascade deferrable initially deferred,
    position integer not null,
    related_actor_id text not null references actors (id) deferrable initially deferred,
    kind text not null,
    primary key (actor_id, position)
);
create index actor_relations_related_idx on actor_relations (related_actor_id);

create table incidents (
    id text primary key check (id ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    kind text not null,
    date_start date not null,
    date_end date not null,
    date_precision text not null,
    doc jsonb not null,
    check (date_start <= date_end)
);
create index incidents_date_id_idx on incidents (date_start, id);
create index incidents_kind_date_id_idx on incidents (kind, date_start, id);
create index incidents_date_end_idx on incidents (date_end);

create table incident_actors (
    incident_id text not null references incidents (id) on delete cascade deferrable initially deferred,
    actor_id text not null references actors (id) deferrable initially deferred,
    role text not null,
    primary key (incident_id, actor_id, role)
);
create index incident_actors_actor_idx on incident_actors (actor_id, incident_id);

create table incident_locations (
    incident_id text not null references incidents (id) on delete cascade deferrable initially deferred,
    position integer not null,
    country text not null check (country ~ '^[A-Z]{2}$'),
    admin1 text,
    lat double precision not null check (lat between -90 and 90),
    lon double precision not null check (lon between -180 and 180),
    primary key (incident_id, position)
);
create index incident_locations_country_idx on incident_locations (country, incident_id);
create index incident_locations_admin1_idx on incident_locations (lower(admin1), incident_id);
create index incident_locations_lon_lat_idx on incident_locations (lon, lat);

create table claims (
    id text primary key check (id ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    claimant_id text not null references actors (id) deferrable initially deferred,
    kind text not null,
    status text not null,
    incident_id text references incidents (id) deferrable initially deferred,
    made_start date not null,
    made_end date not null,
    made_precision text not null,
    doc jsonb not null,
    check (made_start <= made_end)
);
create index claims_made_id_idx on claims (made_start, id);
create index claims_claimant_made_id_idx on claims (claimant_id, made_start, id);
create index claims_kind_made_id_idx on claims (kind, made_start, id);
create index claims_status_made_id_idx on claims (status, made_start, id);
create index claims_incident_idx on claims (incident_id);
create index claims_made_end_idx on claims (made_end);

create table claim_about (
    claim_id text not null references claims (id) on delete cascade deferrable initially deferred,
    actor_id text not null references actors (id) deferrable initially deferred,
    primary key (claim_id, actor_id)
);
create index claim_about_actor_idx on claim_about (actor_id, claim_id);

create table claim_contradictions (
    claim_id text not null references claims (id) on delete cascade deferrable initially deferred,
    contradicted_by_id text not null references claims (id) on delete cascade deferrable initially deferred,
    primary key (claim_id, contradicted_by_id),
    check (claim_id <> contradicted_by_id)
);

create table force_figures (
    id text primary key check (id ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    actor_id text not null references actors (id) deferrable initially deferred,
    claimant_id text not null references actors (id) deferrable initially deferred,
    metric text not null,
    as_of_start date not null,
    as_of_end date not null,
    doc jsonb not null
);
create index force_figures_actor_metric_idx on force_figures (actor_id, metric, id);
create index force_figures_metric_idx on force_figures (metric, id);

-- Which sources each record cites: one table for every resource, so "what cites this
-- source" is one query and every citation has a foreign key.
create table citations (
    resource text not null check (resource in ('actors', 'incidents', 'claims', 'force-figures')),
    record_id text not null,
    source_id text not null references sources (id) deferrable initially deferred,
    primary key (resource, record_id, source_id)
);
create index citations_source_idx on citations (source_id);
