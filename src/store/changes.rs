//! Reading the history: one record's revisions, and the change feed across all records.
//!
//! Both read `revisions` (written by [`super::history::commit_version`]) joined to the
//! version's time and author, in keyset pages: a record's revisions seek its primary key
//! `(resource, record_id, version)`, the feed seeks `revisions_version_idx`
//! `(version, resource, record_id)`. Never an offset.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgPool;

use super::Reader;

use crate::domain::{FeedChange, Operation, Resource, Revision, Tombstone};

/// The operation named `s` (as stored in `revisions.operation`).
fn parse_operation(s: &str) -> Result<Operation, sqlx::Error> {
    Operation::ALL
        .iter()
        .copied()
        .find(|o| o.as_str() == s)
        .ok_or_else(|| sqlx::Error::Decode(format!("unknown operation `{s}`").into()))
}

fn parse_resource(s: &str) -> Result<Resource, sqlx::Error> {
    s.parse()
        .map_err(|()| sqlx::Error::Decode(format!("unknown resource `{s}`").into()))
}

/// A row of `revisions`, with the time and author of its version.
struct RevisionRow {
    version: i64,
    at: DateTime<Utc>,
    author: String,
    operation: String,
    before: Option<Value>,
    after: Option<Value>,
    reason: Option<String>,
}

impl RevisionRow {
    /// The revision of record `id` of `resource` this row holds.
    fn revision(self, resource: Resource, id: &str) -> Result<Revision, sqlx::Error> {
        Ok(Revision {
            version: self.version,
            at: self.at,
            author: self.author,
            operation: parse_operation(&self.operation)?,
            resource,
            id: id.to_owned(),
            before: self.before,
            after: self.after,
            reason: self.reason,
        })
    }
}

/// The revisions of one record in version order (oldest first), those after version
/// `after_version` and up to `until`, at most `limit` of them. Empty when the record never existed.
#[tracing::instrument(skip(pool))]
pub async fn list_revisions(
    pool: &PgPool,
    resource: Resource,
    id: &str,
    after_version: Option<i64>,
    until: i64,
    limit: i64,
) -> Result<Vec<Revision>, sqlx::Error> {
    let rows = sqlx::query_as!(
        RevisionRow,
        r#"
        select r.version, v.at, v.author, r.operation, r.before, r.after, r.reason
        from revisions r
        join dataset_versions v on v.version = r.version
        where r.resource = $1 and r.record_id = $2 and r.version > $3 and r.version <= $4
        order by r.version
        limit $5
        "#,
        resource.as_str(),
        id,
        after_version.unwrap_or(0),
        until,
        limit,
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(|r| r.revision(resource, id)).collect()
}

/// The newest revisions of one record as `db` sees its history (up to the version it reads,
/// all of them for the current data), newest first, at most `limit`: what a record's page
/// lists. The tables are named with their schema, as a past version's reads look in `asof`.
#[tracing::instrument(skip(db))]
pub async fn newest_revisions(
    db: &Reader,
    resource: Resource,
    id: &str,
    limit: i64,
) -> Result<Vec<Revision>, sqlx::Error> {
    let rows = sqlx::query_as!(
        RevisionRow,
        r#"
        select r.version, v.at, v.author, r.operation, r.before, r.after, r.reason
        from public.revisions r
        join public.dataset_versions v on v.version = r.version
        where r.resource = $1 and r.record_id = $2 and r.version <= $3
        order by r.version desc
        limit $4
        "#,
        resource.as_str(),
        id,
        db.version().unwrap_or(i64::MAX),
        limit,
    )
    .fetch_all(&mut *db.conn().await?)
    .await?;
    rows.into_iter().map(|r| r.revision(resource, id)).collect()
}

/// Where a page of the feed starts: strictly after this change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedPosition {
    pub version: i64,
    pub resource: String,
    pub id: String,
}

/// The changes made by versions after `since` up to and including `until`, in
/// `(version, resource, id)` order, after `after`, at most `limit` of them.
#[tracing::instrument(skip(pool))]
pub async fn list_changes(
    pool: &PgPool,
    since: i64,
    until: i64,
    after: Option<&FeedPosition>,
    limit: i64,
) -> Result<Vec<FeedChange>, sqlx::Error> {
    // Without a cursor the seek starts at `(since, '', '')`, which every row after `since`
    // follows: one static query, always a row-value seek on the index.
    let (after_version, after_resource, after_id) = after.map_or((since, "", ""), |a| {
        (a.version, a.resource.as_str(), a.id.as_str())
    });
    let rows = sqlx::query!(
        r#"
        select r.version, v.at, v.author, r.operation, r.resource, r.record_id, r.after,
               t.deleted_at as "deleted_at?", t.deleted_by as "deleted_by?",
               t.reason as "tombstone_reason?"
        from revisions r
        join dataset_versions v on v.version = r.version
        left join tombstones t
          on t.resource = r.resource and t.record_id = r.record_id and t.version = r.version
        where r.version > $1 and r.version <= $2
          and (r.version, r.resource, r.record_id) > ($3, $4, $5)
        order by r.version, r.resource, r.record_id
        limit $6
        "#,
        since,
        until,
        after_version,
        after_resource,
        after_id,
        limit,
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            let resource = parse_resource(&r.resource)?;
            let tombstone = match (r.deleted_at, r.deleted_by, r.tombstone_reason) {
                (Some(deleted_at), Some(deleted_by), Some(reason)) => Some(Tombstone {
                    resource,
                    id: r.record_id.clone(),
                    version: r.version,
                    deleted_at,
                    deleted_by,
                    reason,
                }),
                _ => None,
            };
            Ok(FeedChange {
                version: r.version,
                at: r.at,
                author: r.author,
                operation: parse_operation(&r.operation)?,
                resource,
                id: r.record_id,
                record: r.after,
                tombstone,
            })
        })
        .collect()
}
