-- Curation: API keys, dataset versions, revisions, tombstones and idempotent creates.
--
-- Every change to the data is one dataset version: a monotonic integer, bumped by exactly one
-- transaction, which also writes one revision per record it touched (the document before and
-- after). The current tables stay the fast path for reads; `revisions` is the history from
-- which the change feed is served and any past version can be rebuilt (`as_of`).
--
-- Writers serialise on the `dataset_meta` row (`select ... for update`), so versions commit in
-- order and a reader of the change feed can never see version N+1 before version N.

-- The curated release label of the dataset files (was `version`); the integer below is the
-- dataset version every write bumps.
alter table dataset_meta rename column version to release;
update dataset_meta set doc = (doc - 'version') || jsonb_build_object('release', doc -> 'version');
alter table dataset_meta add column version bigint not null default 0 check (version >= 0);

create table api_keys (
    id bigint generated always as identity primary key,
    -- Who holds the key; recorded on every revision the key writes.
    name text not null check (name ~ '^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,63}$'),
    scope text not null check (scope in ('write', 'admin')),
    -- SHA-256 of the token; the token itself is shown once and never stored.
    token_hash bytea not null unique check (length(token_hash) = 32),
    -- The token's first characters, so that `keys list` can tell keys apart.
    prefix text not null,
    created_at timestamptz not null default now(),
    last_used_at timestamptz,
    revoked_at timestamptz
);

create table dataset_versions (
    version bigint primary key check (version > 0),
    at timestamptz not null,
    -- The key name that wrote it, or `import` for a bulk load.
    author text not null,
    -- The dataset metadata as of this version.
    meta jsonb not null
);
create index dataset_versions_at_idx on dataset_versions (at, version);

create table revisions (
    version bigint not null references dataset_versions (version),
    resource text not null
        check (resource in ('sources', 'actors', 'incidents', 'claims', 'force-figures')),
    record_id text not null,
    operation text not null check (operation in ('create', 'update', 'delete')),
    -- The stored document before and after (null before a create and after a delete).
    before jsonb,
    after jsonb,
    -- Why, for a delete.
    reason text,
    primary key (resource, record_id, version),
    check ((operation = 'create') = (before is null)),
    check ((operation = 'delete') = (after is null))
);
-- The change feed reads revisions in version order.
create index revisions_version_idx on revisions (version, resource, record_id);

-- Deleted records: their id is never reused, and reading them answers 410 with this.
create table tombstones (
    resource text not null
        check (resource in ('sources', 'actors', 'incidents', 'claims', 'force-figures')),
    record_id text not null,
    version bigint not null references dataset_versions (version),
    deleted_at timestamptz not null,
    deleted_by text not null,
    reason text not null,
    primary key (resource, record_id)
);

-- A create sent with `Idempotency-Key`: a retry with the same key and body replays the
-- first answer instead of creating twice.
create table idempotency_keys (
    key_id bigint not null references api_keys (id),
    idempotency_key text not null,
    -- SHA-256 of method, path and body: the same key with another request is refused.
    request_hash bytea not null,
    status smallint not null,
    location text,
    etag text,
    body jsonb not null,
    created_at timestamptz not null default now(),
    primary key (key_id, idempotency_key)
);
create index idempotency_keys_created_idx on idempotency_keys (created_at);

-- A database loaded before this migration becomes version 1, every record created by it.
insert into dataset_versions (version, at, author, meta)
select 1, changed_at, 'import', doc from dataset_meta;

insert into revisions (version, resource, record_id, operation, before, after)
select 1, r.resource, r.id, 'create', null, r.doc
from dataset_meta m,
     lateral (
         select 'sources' as resource, id, doc from sources
         union all select 'actors', id, doc from actors
         union all select 'incidents', id, doc from incidents
         union all select 'claims', id, doc from claims
         union all select 'force-figures', id, doc from force_figures
     ) r;

update dataset_meta set version = 1;
