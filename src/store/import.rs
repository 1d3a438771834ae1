//! Writing a whole dataset: idempotent, all-or-nothing.
//!
//! Each record is upserted only when its document differs from the stored one, and its
//! child rows (relations, actors, locations, citations, ...) are rewritten only then, so
//! importing the same dataset twice changes nothing. Records absent from the import are
//! left alone: deleting is an editor's act with history, not a side effect of a bulk load.
//!
//! An import that changes anything is one dataset version, authored `import`, with a
//! revision per changed record, exactly like an editor's write.

use std::collections::HashSet;

use serde::Serialize;
use sqlx::{PgConnection, PgPool};

use super::history;
use super::{bulk, records};
use crate::domain::{Change, Dataset, Resource};

/// How many records an import added, changed and left as they were, per resource.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub sources: Tally,
    pub actors: Tally,
    pub incidents: Tally,
    pub claims: Tally,
    pub force_figures: Tally,
    /// Whether the dataset metadata (release, citation, ...) changed.
    pub meta_changed: bool,
    /// The dataset version the import made, or `None` when it changed nothing.
    pub version: Option<i64>,
}

/// Added, changed and unchanged records of one resource.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub inserted: u32,
    pub updated: u32,
    pub unchanged: u32,
}

impl Tally {
    fn count(&mut self, change: Option<&Change>) {
        match change.map(Change::operation) {
            Some("create") => self.inserted += 1,
            Some(_) => self.updated += 1,
            None => self.unchanged += 1,
        }
    }
}

impl ImportReport {
    /// True when the import changed nothing at all.
    pub fn is_noop(&self) -> bool {
        let all = [
            self.sources,
            self.actors,
            self.incidents,
            self.claims,
            self.force_figures,
        ];
        !self.meta_changed && all.iter().all(|t| t.inserted == 0 && t.updated == 0)
    }
}

/// Why an import was refused.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// Synthetic data (`durand generate`) and real data never share a database.
    #[error(
        "the database holds {held} data and this dataset is {incoming}: they never share a database"
    )]
    Mixed {
        held: &'static str,
        incoming: &'static str,
    },
    /// Deleted ids are never reused, not even by a bulk load of old files.
    #[error("these records were deleted and their ids cannot be reused: {}", .0.join(", "))]
    Deleted(Vec<String>),
}

/// Writes a validated dataset in one transaction, as one dataset version. Call
/// [`Dataset::validate`] first: the foreign keys would reject a broken dataset too, but with
/// a far less helpful message.
#[tracing::instrument(skip_all, fields(release = %dataset.meta.release))]
pub async fn import_dataset(pool: &PgPool, dataset: &Dataset) -> Result<ImportReport, ImportError> {
    import_with_progress(pool, dataset, &mut |_| {}).await
}

/// [`import_dataset`], calling `progress` with the number of records written as it goes.
pub async fn import_with_progress(
    pool: &PgPool,
    dataset: &Dataset,
    progress: &mut (dyn FnMut(u64) + Send),
) -> Result<ImportReport, ImportError> {
    let mut tx = pool.begin().await?;
    history::lock(&mut tx).await?;
    let held: Option<bool> = sqlx::query_scalar(
        "select coalesce((doc ->> 'synthetic')::boolean, false) from dataset_meta",
    )
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(held) = held
        && held != dataset.meta.synthetic
    {
        let kind = |synthetic| if synthetic { "synthetic" } else { "real" };
        return Err(ImportError::Mixed {
            held: kind(held),
            incoming: kind(dataset.meta.synthetic),
        });
    }
    let deleted = deleted_ids(&mut tx, dataset).await?;
    if !deleted.is_empty() {
        return Err(ImportError::Deleted(deleted));
    }
    // The version this import writes, for the row-version triggers (the lock is held).
    sqlx::query(
        "select set_config('durand.version', coalesce((select version + 1 from dataset_meta), 1)::text, true)",
    )
    .execute(&mut *tx)
    .await?;
    let (mut report, changes) = write(&mut tx, dataset, Batching::On, progress).await?;
    if !report.is_noop() {
        let (version, _) = history::commit_version(&mut tx, "import", &changes).await?;
        report.version = Some(version);
    }
    tx.commit().await?;
    Ok(report)
}

/// The `resource/id` of every record in `dataset` that has been deleted.
async fn deleted_ids(
    conn: &mut PgConnection,
    dataset: &Dataset,
) -> Result<Vec<String>, sqlx::Error> {
    let (resources, ids): (Vec<String>, Vec<String>) = dataset
        .records()
        .iter()
        .map(|r| (r.resource().as_str().to_owned(), r.id().to_owned()))
        .unzip();
    sqlx::query_scalar!(
        r#"
        select t.resource || '/' || t.record_id as "record!"
        from tombstones t
        join unnest($1::text[], $2::text[]) as i(resource, id)
          on t.resource = i.resource and t.record_id = i.id
        order by 1
        "#,
        &resources,
        &ids,
    )
    .fetch_all(&mut *conn)
    .await
}

/// Records written per `COPY` round by [`write`].
const BATCH: usize = 5_000;

/// Whether records new to the database go in by `COPY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Batching {
    /// In batches by `COPY` ([`bulk`], which derives their rows as the upserts do).
    On,
    /// One upsert each, like every other record.
    Off,
}

/// Writes the metadata and every record that differs from the stored one (see
/// [`write_records`]); with [`Batching::On`], records new to the database go in by `COPY`.
async fn write(
    conn: &mut PgConnection,
    dataset: &Dataset,
    batching: Batching,
    progress: &mut (dyn FnMut(u64) + Send),
) -> Result<(ImportReport, Vec<Change>), sqlx::Error> {
    let mut report = ImportReport {
        meta_changed: super::dataset::write_meta(conn, &dataset.meta).await?,
        ..ImportReport::default()
    };
    let mut changes = Vec::new();
    macro_rules! write_all {
        ($records:expr, $resource:expr, $table:literal, $bulk:path, $upsert:path, $tally:ident) => {
            let (known, fresh): (Vec<_>, Vec<_>) = if batching == Batching::On {
                let ids: Vec<String> = $records.iter().map(|r| r.id.to_string()).collect();
                let stored: HashSet<String> =
                    sqlx::query_scalar(concat!("select id from ", $table, " where id = any($1)"))
                        .bind(&ids)
                        .fetch_all(&mut *conn)
                        .await?
                        .into_iter()
                        .collect();
                $records
                    .iter()
                    .partition(|r| stored.contains(r.id.as_str()))
            } else {
                ($records.iter().collect(), Vec::new())
            };
            let fresh: Vec<_> = fresh.into_iter().cloned().collect();
            for batch in fresh.chunks(BATCH) {
                let docs = $bulk(conn, None, batch).await?;
                for (record, after) in batch.iter().zip(docs) {
                    changes.push(Change {
                        resource: $resource,
                        id: record.id.to_string(),
                        before: None,
                        after: Some(after),
                        reason: None,
                    });
                }
                report.$tally.inserted += batch.len() as u32;
                progress(batch.len() as u64);
            }
            for record in known {
                let id = record.id.to_string();
                let before = records::stored_doc(conn, $resource, &id).await?;
                let change = $upsert(conn, record).await?.map(|after| Change {
                    resource: $resource,
                    id,
                    before,
                    after: Some(after),
                    reason: None,
                });
                report.$tally.count(change.as_ref());
                changes.extend(change);
                progress(1);
            }
        };
    }
    write_all!(
        dataset.sources,
        Resource::Sources,
        "sources",
        bulk::sources,
        records::upsert_source,
        sources
    );
    write_all!(
        dataset.actors,
        Resource::Actors,
        "actors",
        bulk::actors,
        records::upsert_actor,
        actors
    );
    write_all!(
        dataset.incidents,
        Resource::Incidents,
        "incidents",
        bulk::incidents,
        records::upsert_incident,
        incidents
    );
    write_all!(
        dataset.claims,
        Resource::Claims,
        "claims",
        bulk::claims,
        records::upsert_claim,
        claims
    );
    write_all!(
        dataset.force_figures,
        Resource::ForceFigures,
        "force_figures",
        bulk::force_figures,
        records::upsert_force_figure,
        force_figures
    );
    Ok((report, changes))
}

/// Writes the dataset's metadata and every record that differs from the stored one, with no
/// revisions: returns what changed, for the caller to record. (The triggers version the rows.)
/// Leaves `dataset_meta.version` alone. One upsert per record: the reference the batched
/// writer of imports is tested against.
pub async fn write_records(
    conn: &mut PgConnection,
    dataset: &Dataset,
) -> Result<(ImportReport, Vec<Change>), sqlx::Error> {
    write(conn, dataset, Batching::Off, &mut |_| {}).await
}
