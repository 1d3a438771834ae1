//! Queries on the dataset as a whole: metadata, counts, and the full export.

use super::{Reader, documents};
use sqlx::types::Json;

use super::incidents::{INCIDENT_COLUMNS, IncidentRow};
use crate::domain::{Counts, Dataset, DatasetMeta, Incident, Resource};

/// The dataset's metadata, or `None` when no dataset has been loaded.
#[tracing::instrument(skip(db))]
pub async fn get_meta(db: &Reader) -> Result<Option<DatasetMeta>, sqlx::Error> {
    let row = sqlx::query_scalar!(r#"select doc as "doc!: Json<DatasetMeta>" from dataset_meta"#)
        .fetch_optional(&mut *db.conn().await?)
        .await?;
    Ok(row.map(|Json(m)| m))
}

/// What identifies the dataset's current state: its version and when it last changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// The dataset version: bumped by every write, never reused.
    pub version: i64,
    pub changed_at: chrono::DateTime<chrono::Utc>,
}

/// The dataset's current stamp, or `None` when no dataset has been loaded.
#[tracing::instrument(skip(db))]
pub async fn stamp(db: &Reader) -> Result<Option<Stamp>, sqlx::Error> {
    sqlx::query_as!(Stamp, "select version, changed_at from dataset_meta")
        .fetch_optional(&mut *db.conn().await?)
        .await
}

/// Records per resource at the version `db` reads: kept per version by the writes (see
/// `history::commit_version`), counted only for versions made before counts were kept.
#[tracing::instrument(skip(db))]
pub async fn counts(db: &Reader) -> Result<Counts, sqlx::Error> {
    let mut conn = db.conn().await?;
    let kept = sqlx::query_scalar!(
        r#"
        select v.counts as "counts: Json<Counts>" from public.dataset_versions v
        where v.version = (select version from dataset_meta)
        "#
    )
    .fetch_optional(&mut *conn)
    .await?
    .flatten();
    match kept {
        Some(Json(counts)) => Ok(counts),
        None => count(&mut conn).await,
    }
}

/// Counts the records of each resource (every row: linear in the data).
pub(crate) async fn count(conn: &mut sqlx::PgConnection) -> Result<Counts, sqlx::Error> {
    let row = sqlx::query!(
        r#"
        select (select count(*) from actors) as "actors!",
               (select count(*) from sources) as "sources!",
               (select count(*) from claims) as "claims!",
               (select count(*) from incidents) as "incidents!",
               (select count(*) from force_figures) as "force_figures!"
        "#
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(Counts {
        actors: row.actors,
        sources: row.sources,
        claims: row.claims,
        incidents: row.incidents,
        force_figures: row.force_figures,
    })
}

/// The whole dataset, every collection in id order, or `None` when none has been loaded.
///
/// Reads in one repeatable-read transaction so the export is one consistent snapshot.
#[tracing::instrument(skip(db))]
pub async fn export(db: &Reader) -> Result<Option<Dataset>, sqlx::Error> {
    let mut tx = db.begin().await?;
    let Some(Json(meta)) =
        sqlx::query_scalar!(r#"select doc as "doc!: Json<DatasetMeta>" from dataset_meta"#)
            .fetch_optional(&mut *tx)
            .await?
    else {
        return Ok(None);
    };
    let sources = documents::all(&mut tx, Resource::Sources).await?;
    let actors = documents::all(&mut tx, Resource::Actors).await?;
    let sql = format!("select {INCIDENT_COLUMNS} from incidents i order by i.id");
    let incidents: Vec<IncidentRow> = sqlx::query_as(&sql).fetch_all(&mut *tx).await?;
    let claims = documents::all(&mut tx, Resource::Claims).await?;
    let force_figures = documents::all(&mut tx, Resource::ForceFigures).await?;
    tx.commit().await?;
    Ok(Some(Dataset {
        meta,
        sources,
        actors,
        incidents: incidents.into_iter().map(Incident::from).collect(),
        claims,
        force_figures,
    }))
}

/// Writes the dataset's metadata when it differs from the stored one; true when it did.
pub(crate) async fn write_meta(
    conn: &mut sqlx::PgConnection,
    meta: &crate::domain::DatasetMeta,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query_scalar!(
        r#"
        insert into dataset_meta (singleton, release, updated_at, doc)
        values (true, $1, $2, $3)
        on conflict (singleton) do update
            set release = excluded.release, updated_at = excluded.updated_at, doc = excluded.doc
            where dataset_meta.doc is distinct from excluded.doc
        returning true as "changed!"
        "#,
        meta.release,
        meta.updated,
        super::records::doc(meta)?,
    )
    .fetch_optional(&mut *conn)
    .await?
    .is_some())
}
