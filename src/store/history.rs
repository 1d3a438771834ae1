//! Dataset versions and revisions: which write changed which record, when, by whom, from
//! what to what.
//!
//! Every write (an editor's create, patch or delete, or a bulk import) runs in one
//! transaction that first takes [`lock`], then changes the current tables, then calls
//! [`commit_version`] with what it changed. Writers are serialised by the lock, so versions
//! are gap-free and commit in order: a reader that sees version N has seen every version
//! before it, which is what the change feed and `as_of` rely on.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgConnection;

use crate::domain::{Change, Counts, Resource, Tombstone};

/// The advisory lock every writer holds until it commits ("durand" in ASCII).
const WRITE_LOCK: i64 = 0x6475_7261_6e64;

/// The tombstone of a deleted record, if it was deleted at or before dataset version
/// `at_or_before` (`None`: ever).
pub async fn tombstone(
    conn: &mut PgConnection,
    resource: Resource,
    id: &str,
    at_or_before: Option<i64>,
) -> Result<Option<Tombstone>, sqlx::Error> {
    let row = sqlx::query!(
        r#"
        select version, deleted_at, deleted_by, reason from tombstones
        where resource = $1 and record_id = $2 and ($3::bigint is null or version <= $3)
        "#,
        resource.as_str(),
        id,
        at_or_before,
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| Tombstone {
        resource,
        id: id.to_owned(),
        version: r.version,
        deleted_at: r.deleted_at,
        deleted_by: r.deleted_by,
        reason: r.reason,
    }))
}

/// Waits for any other writer to commit, then returns the current dataset version
/// (0 when no dataset has been loaded). Hold it for the rest of the transaction.
pub async fn lock(conn: &mut PgConnection) -> Result<i64, sqlx::Error> {
    sqlx::query!("select pg_advisory_xact_lock($1)", WRITE_LOCK)
        .execute(&mut *conn)
        .await?;
    let version = sqlx::query_scalar!("select version from dataset_meta")
        .fetch_optional(&mut *conn)
        .await?;
    Ok(version.unwrap_or(0))
}

/// Records the next dataset version with its changes and makes it current. Call after
/// [`lock`] and after writing the records and `dataset_meta`, inside the same transaction.
/// Returns the new version and its time.
pub async fn commit_version(
    conn: &mut PgConnection,
    author: &str,
    changes: &[Change],
) -> Result<(i64, DateTime<Utc>), sqlx::Error> {
    let row = sqlx::query!(
        r#"
        update dataset_meta set version = version + 1, changed_at = clock_timestamp()
        returning version, changed_at
        "#
    )
    .fetch_one(&mut *conn)
    .await?;
    let counts = counts_after(conn, row.version, changes).await?;
    sqlx::query!(
        r#"
        insert into dataset_versions (version, at, author, meta, counts)
        select $1, $2, $3, doc, $4 from dataset_meta
        "#,
        row.version,
        row.changed_at,
        author,
        sqlx::types::Json(counts) as _,
    )
    .execute(&mut *conn)
    .await?;
    // In batches: a large import records hundreds of thousands of revisions.
    for batch in changes.chunks(1_000) {
        let column = |f: fn(&Change) -> Option<String>| batch.iter().map(f).collect::<Vec<_>>();
        let json = |f: fn(&Change) -> &Option<Value>| {
            batch.iter().map(|c| f(c).clone()).collect::<Vec<_>>()
        };
        sqlx::query(
            r#"
            insert into revisions (version, resource, record_id, operation, before, after, reason)
            select $1, r.resource, r.id, r.operation, r.before, r.after, r.reason
            from unnest($2::text[], $3::text[], $4::text[], $5::jsonb[], $6::jsonb[], $7::text[])
                with ordinality as r(resource, id, operation, before, after, reason, n)
            order by r.n
            "#,
        )
        .bind(row.version)
        .bind(column(|c| Some(c.resource.as_str().to_owned())))
        .bind(column(|c| Some(c.id.clone())))
        .bind(column(|c| Some(c.operation().to_owned())))
        .bind(json(|c| &c.before))
        .bind(json(|c| &c.after))
        .bind(column(|c| c.reason.clone()))
        .execute(&mut *conn)
        .await?;
    }
    Ok((row.version, row.changed_at))
}

/// The record counts at `version`: the previous version's plus what `changes` created and
/// deleted, or counted afresh when the previous version has none (the first version, or
/// versions made before counts were kept).
async fn counts_after(
    conn: &mut PgConnection,
    version: i64,
    changes: &[Change],
) -> Result<Counts, sqlx::Error> {
    let previous = sqlx::query_scalar!(
        r#"select counts as "counts: sqlx::types::Json<Counts>" from dataset_versions where version = $1"#,
        version - 1,
    )
    .fetch_optional(&mut *conn)
    .await?
    .flatten();
    let Some(sqlx::types::Json(mut counts)) = previous else {
        return super::dataset::count(conn).await;
    };
    for change in changes {
        let delta = match change.operation() {
            "create" => 1,
            "delete" => -1,
            _ => continue,
        };
        *counts.of_mut(change.resource) += delta;
    }
    Ok(counts)
}

/// Waits for a writer in progress to commit, and keeps new writers waiting until this
/// transaction ends. Resolving a time to a version does this first: a writer stamps its
/// version's time before it commits, so without it a version made at or before a time could
/// still appear after the time was resolved, and the same `as_of` would change its answer.
pub async fn settle(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    sqlx::query!("select pg_advisory_xact_lock_shared($1)", WRITE_LOCK)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
