//! Editors' writes to single records: what a record refers to, who refers to it, and the
//! create, replace and delete statements, each recorded as a revision of one dataset version.
//!
//! The curation layer ([`crate::curation`]) runs the workflow and holds the transaction;
//! this module is the SQL. Every function runs on the caller's transaction, after
//! [`history::lock`](super::history::lock).

use serde_json::Value;
use sqlx::PgConnection;

use super::{documents, records};
use crate::domain::{Change, Claim, ClaimId, Reference, Resource, Source};

/// The sources known second-hand (through `cited_in`) whose author the dataset names: what
/// the credit rule of claims and force figures needs.
pub async fn second_hand_sources(conn: &mut PgConnection) -> Result<Vec<Source>, sqlx::Error> {
    let docs = sqlx::query_scalar!(
        r#"
        select doc as "doc!: sqlx::types::Json<Source>" from sources
        where doc->>'cited_in' is not null and doc->>'author' is not null
        order by id
        "#
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(docs.into_iter().map(|sqlx::types::Json(s)| s).collect())
}

/// The first of `base`, `base-2`, `base-3`, ... that no record of `resource` has or had.
pub async fn free_id(
    conn: &mut PgConnection,
    resource: Resource,
    base: &str,
) -> Result<String, sqlx::Error> {
    let taken: Vec<String> = sqlx::query_scalar!(
        r#"
        select record_id as "id!" from revisions
        where resource = $1 and (record_id = $2 or record_id like $2 || '-%')
        union
        select record_id from tombstones
        where resource = $1 and (record_id = $2 or record_id like $2 || '-%')
        "#,
        resource.as_str(),
        base,
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut candidate = base.to_owned();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    Ok(candidate)
}

/// Whether a record of `resource` with this id exists now.
pub async fn exists(
    conn: &mut PgConnection,
    resource: Resource,
    id: &str,
) -> Result<bool, sqlx::Error> {
    Ok(records::stored_doc(conn, resource, id).await?.is_some())
}

/// The references that resolve to no current record, each with whether its target was deleted.
pub async fn dangling(
    conn: &mut PgConnection,
    refs: &[Reference],
) -> Result<Vec<(Reference, bool)>, sqlx::Error> {
    let resources: Vec<String> = refs
        .iter()
        .map(|r| r.resource.as_str().to_owned())
        .collect();
    let ids: Vec<String> = refs.iter().map(|r| r.id.clone()).collect();
    let rows = sqlx::query!(
        r#"
        select r.n as "n!", exists (
                   select 1 from tombstones t where t.resource = r.resource and t.record_id = r.id
               ) as "deleted!"
        from unnest($1::text[], $2::text[]) with ordinality as r(resource, id, n)
        where not case r.resource
            when 'sources' then exists (select 1 from sources where id = r.id)
            when 'actors' then exists (select 1 from actors where id = r.id)
            when 'incidents' then exists (select 1 from incidents where id = r.id)
            when 'claims' then exists (select 1 from claims where id = r.id)
            else exists (select 1 from force_figures where id = r.id)
        end
        order by r.n
        "#,
        &resources,
        &ids,
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (refs[(r.n - 1) as usize].clone(), r.deleted))
        .collect())
}

/// The sources `id` is cited in, directly or through others (at most 100 steps), so that a
/// write cannot make the `cited_in` chain loop.
pub async fn cited_in_chain(conn: &mut PgConnection, id: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"
        with recursive chain (id, depth) as (
            select $1::text, 0
            union
            select s.doc ->> 'cited_in', c.depth + 1
            from chain c join sources s on s.id = c.id
            where s.doc ->> 'cited_in' is not null and c.depth < 100
        )
        select distinct id as "id!" from chain where depth > 0
        "#,
        id,
    )
    .fetch_all(&mut *conn)
    .await
}

/// Every record that refers to this one (`resource/id`), so that deleting it would leave
/// them dangling.
pub async fn referrers(
    conn: &mut PgConnection,
    resource: Resource,
    id: &str,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"
        select distinct referrer as "referrer!" from (
            select c.resource || '/' || c.record_id as referrer
            from citations c where $1 = 'sources' and c.source_id = $2
            union all
            select 'sources/' || s.id from sources s where $1 = 'sources' and s.doc ->> 'cited_in' = $2
            union all
            select 'actors/' || r.actor_id from actor_relations r
            where $1 = 'actors' and r.related_actor_id = $2
            union all
            select 'incidents/' || i.incident_id from incident_actors i
            where $1 = 'actors' and i.actor_id = $2
            union all
            select 'claims/' || c.id from claims c where $1 = 'actors' and c.claimant_id = $2
            union all
            select 'claims/' || a.claim_id from claim_about a where $1 = 'actors' and a.actor_id = $2
            union all
            select 'force-figures/' || f.id from force_figures f
            where $1 = 'actors' and (f.actor_id = $2 or f.claimant_id = $2)
            union all
            select 'claims/' || c.id from claims c where $1 = 'incidents' and c.incident_id = $2
            union all
            select 'claims/' || x.claim_id from claim_contradictions x
            where $1 = 'claims' and x.contradicted_by_id = $2
        ) r
        order by 1
        "#,
        resource.as_str(),
        id,
    )
    .fetch_all(&mut *conn)
    .await
}

/// Deletes a record and its child rows and citations; returns its stored document.
pub async fn delete(
    conn: &mut PgConnection,
    resource: Resource,
    id: &str,
) -> Result<Option<Value>, sqlx::Error> {
    let before = documents::delete(conn, resource, id).await?;
    sqlx::query!(
        "delete from citations where resource = $1 and record_id = $2",
        resource.as_str(),
        id
    )
    .execute(&mut *conn)
    .await?;
    Ok(before)
}

/// Records the tombstone of a deleted record, in the version that deleted it.
pub async fn bury(
    conn: &mut PgConnection,
    change: &Change,
    version: i64,
    author: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"
        insert into tombstones (resource, record_id, version, deleted_at, deleted_by, reason)
        select $1, $2, version, at, $4, $5 from dataset_versions where version = $3
        "#,
        change.resource.as_str(),
        change.id,
        version,
        author,
        change.reason.as_deref().unwrap_or_default(),
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The stored claim `id`, parsed.
pub async fn claim(conn: &mut PgConnection, id: &ClaimId) -> Result<Option<Claim>, sqlx::Error> {
    let doc = records::stored_doc(conn, Resource::Claims, id.as_str()).await?;
    Ok(doc.and_then(|d| serde_json::from_value(d).ok()))
}

/// A create sent earlier with this `Idempotency-Key` by this key: the request's hash and the
/// id of the record it created.
pub struct IdempotentCreate {
    pub request_hash: Vec<u8>,
    pub record_id: String,
}

/// What an earlier create with this key and `Idempotency-Key` was, if any.
pub async fn idempotent_create(
    conn: &mut PgConnection,
    key_id: i64,
    idempotency_key: &str,
) -> Result<Option<IdempotentCreate>, sqlx::Error> {
    let row = sqlx::query!(
        r#"
        select request_hash, record_id from idempotency_keys
        where key_id = $1 and idempotency_key = $2
        "#,
        key_id,
        idempotency_key,
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| IdempotentCreate {
        request_hash: r.request_hash,
        record_id: r.record_id,
    }))
}

/// Remembers a create made with an `Idempotency-Key`, in the same transaction.
pub async fn remember_create(
    conn: &mut PgConnection,
    key_id: i64,
    idempotency_key: &str,
    request_hash: &[u8],
    record_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"
        insert into idempotency_keys (key_id, idempotency_key, request_hash, record_id)
        values ($1, $2, $3, $4)
        "#,
        key_id,
        idempotency_key,
        request_hash,
        record_id,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
