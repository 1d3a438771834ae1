//! Loading many new records fast: `COPY` into every table a record's rows live in, for
//! `durand generate` and the records a large `durand import` adds. Rows, citations and revisions are derived exactly as
//! [`records`](super::records) derives them one at a time (a test compares the two).
//!
//! Everything runs in the caller's transaction, which has taken [`history::lock`] on an empty
//! database and set `durand.version` (so the row-version triggers stamp each row without a
//! lookup). Foreign keys are checked as rows arrive, so parents are written before children.

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::Value;
use sqlx::PgConnection;

use super::records::{doc, stored_claim, stored_force_figure, stored_incident};
use crate::domain::{Actor, Claim, ForceFigure, Incident, Resource, Source, SourceId};

/// The rows of one table, as CSV for `COPY ... (format csv, null '\N')`.
struct Rows {
    table: &'static str,
    columns: &'static str,
    csv: csv::Writer<Vec<u8>>,
}

impl Rows {
    fn new(table: &'static str, columns: &'static str) -> Self {
        Self {
            table,
            columns,
            csv: csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(Vec::new()),
        }
    }

    /// Adds a row; `None` is SQL null.
    fn push<'a>(
        &mut self,
        fields: impl IntoIterator<Item = Option<&'a str>>,
    ) -> Result<(), sqlx::Error> {
        self.csv
            .write_record(fields.into_iter().map(|f| f.unwrap_or("\\N")))
            .map_err(|e| sqlx::Error::Encode(e.into()))
    }

    async fn copy(self, conn: &mut PgConnection) -> Result<(), sqlx::Error> {
        let bytes = self
            .csv
            .into_inner()
            .map_err(|e| sqlx::Error::Encode(e.to_string().into()))?;
        if bytes.is_empty() {
            return Ok(());
        }
        let statement = format!(
            "copy {} ({}) from stdin (format csv, null '\\N')",
            self.table, self.columns
        );
        let mut copy = conn.copy_in_raw(&statement).await?;
        copy.send(bytes).await?;
        copy.finish().await?;
        Ok(())
    }
}

/// A batch of records of one resource: their stored documents, citations and `create`
/// revisions.
struct Batch {
    resource: Resource,
    /// The dataset version of the `create` revisions; `None` when the caller records them.
    version: Option<String>,
    docs: Vec<Value>,
    citations: Rows,
    revisions: Rows,
}

impl Batch {
    fn new(resource: Resource, revisions: Option<i64>) -> Self {
        Self {
            resource,
            version: revisions.map(|v| v.to_string()),
            docs: Vec::new(),
            citations: Rows::new("citations", "resource, record_id, source_id"),
            revisions: Rows::new(
                "revisions",
                "version, resource, record_id, operation, before, after, reason",
            ),
        }
    }

    /// Cites a record's sources and, when the batch has a version, records its `create`
    /// revision. Keeps its stored document and returns it as JSON text.
    fn record<'a, T: Serialize>(
        &mut self,
        id: &str,
        stored: &T,
        sources: impl IntoIterator<Item = &'a SourceId>,
    ) -> Result<String, sqlx::Error> {
        let resource = self.resource.as_str();
        let value = doc(stored)?;
        let text = value.to_string();
        let cited: BTreeSet<&str> = sources.into_iter().map(SourceId::as_str).collect();
        for source in cited {
            self.citations
                .push([Some(resource), Some(id), Some(source)])?;
        }
        if let Some(version) = self.version.as_deref() {
            self.revisions.push([
                Some(version),
                Some(resource),
                Some(id),
                Some("create"),
                None,
                Some(&text),
                None,
            ])?;
        }
        self.docs.push(value);
        Ok(text)
    }

    /// Copies `tables` (parents before children), then the citations and revisions; returns
    /// the stored documents.
    async fn copy<const N: usize>(
        self,
        conn: &mut PgConnection,
        tables: [Rows; N],
    ) -> Result<Vec<Value>, sqlx::Error> {
        for rows in tables {
            rows.copy(conn).await?;
        }
        self.citations.copy(conn).await?;
        self.revisions.copy(conn).await?;
        Ok(self.docs)
    }
}

/// Adds sources, with their `create` revisions in dataset version `revisions` if given (else
/// the caller records them). Returns their stored documents. The same for each function below.
pub async fn sources(
    conn: &mut PgConnection,
    revisions: Option<i64>,
    sources: &[Source],
) -> Result<Vec<Value>, sqlx::Error> {
    let mut batch = Batch::new(Resource::Sources, revisions);
    let mut rows = Rows::new("sources", "id, kind, doc");
    for s in sources {
        let doc = batch.record(s.id.as_str(), s, [])?;
        rows.push([Some(s.id.as_str()), Some(s.kind.as_str()), Some(&doc)])?;
    }
    batch.copy(conn, [rows]).await
}

/// Adds actors and their relations.
pub async fn actors(
    conn: &mut PgConnection,
    revisions: Option<i64>,
    actors: &[Actor],
) -> Result<Vec<Value>, sqlx::Error> {
    let mut batch = Batch::new(Resource::Actors, revisions);
    let mut rows = Rows::new("actors", "id, kind, country, doc");
    let mut relations = Rows::new(
        "actor_relations",
        "actor_id, position, related_actor_id, kind",
    );
    for a in actors {
        let id = a.id.as_str();
        let cited = a
            .sources
            .ids()
            .iter()
            .chain(a.relations.iter().flat_map(|r| r.sources.ids()));
        let doc = batch.record(id, a, cited)?;
        let country = a.country.as_ref().map(|c| c.as_str());
        rows.push([Some(id), Some(a.kind.as_str()), country, Some(&doc)])?;
        for (position, r) in a.relations.iter().enumerate() {
            let position = position.to_string();
            relations.push([
                Some(id),
                Some(&position),
                Some(r.actor.as_str()),
                Some(r.kind.as_str()),
            ])?;
        }
    }
    batch.copy(conn, [rows, relations]).await
}

/// Adds incidents with their actors and places.
pub async fn incidents(
    conn: &mut PgConnection,
    revisions: Option<i64>,
    incidents: &[Incident],
) -> Result<Vec<Value>, sqlx::Error> {
    let mut batch = Batch::new(Resource::Incidents, revisions);
    let mut rows = Rows::new(
        "incidents",
        "id, kind, date_start, date_end, date_precision, doc",
    );
    let mut actors = Rows::new("incident_actors", "incident_id, actor_id, role");
    let mut places = Rows::new(
        "incident_locations",
        "incident_id, position, country, admin1, lat, lon",
    );
    for i in incidents {
        let id = i.id.as_str();
        let doc = batch.record(id, &stored_incident(i), i.sources.ids())?;
        let (start, end) = (i.date.start().to_string(), i.date.end().to_string());
        rows.push([
            Some(id),
            Some(i.kind.as_str()),
            Some(&start),
            Some(&end),
            Some(i.date.precision().as_str()),
            Some(&doc),
        ])?;
        let pairs: BTreeSet<(&str, &str)> = i
            .actors
            .iter()
            .map(|a| (a.actor.as_str(), a.role.as_str()))
            .collect();
        for (actor, role) in pairs {
            actors.push([Some(id), Some(actor), Some(role)])?;
        }
        for (position, l) in i.locations.iter().enumerate() {
            let position = position.to_string();
            let (lat, lon) = (l.lat.map(|x| x.to_string()), l.lon.map(|x| x.to_string()));
            places.push([
                Some(id),
                Some(&position),
                l.country.as_ref().map(|c| c.as_str()),
                l.admin1.as_deref(),
                lat.as_deref(),
                lon.as_deref(),
            ])?;
        }
    }
    batch.copy(conn, [rows, actors, places]).await
}

/// Adds claims with what they are about and what contradicts them. Under immediate
/// constraints, a claim named in `contradicted_by` must be in the same batch or loaded before.
pub async fn claims(
    conn: &mut PgConnection,
    revisions: Option<i64>,
    claims: &[Claim],
) -> Result<Vec<Value>, sqlx::Error> {
    let mut batch = Batch::new(Resource::Claims, revisions);
    let mut rows = Rows::new(
        "claims",
        "id, claimant_id, kind, status, incident_id, made_start, made_end, made_precision, doc",
    );
    let mut about = Rows::new("claim_about", "claim_id, actor_id");
    let mut contradictions = Rows::new("claim_contradictions", "claim_id, contradicted_by_id");
    for c in claims {
        let id = c.id.as_str();
        let doc = batch.record(id, &stored_claim(c), c.sources.ids())?;
        let (start, end) = (c.made_at.start().to_string(), c.made_at.end().to_string());
        rows.push([
            Some(id),
            Some(c.claimant.as_str()),
            Some(c.kind.as_str()),
            Some(c.status.as_str()),
            c.incident.as_ref().map(|i| i.as_str()),
            Some(&start),
            Some(&end),
            Some(c.made_at.precision().as_str()),
            Some(&doc),
        ])?;
        let actors: BTreeSet<&str> = c.about.iter().map(|a| a.as_str()).collect();
        for actor in actors {
            about.push([Some(id), Some(actor)])?;
        }
        let others: BTreeSet<&str> = c.contradicted_by.iter().map(|o| o.as_str()).collect();
        for other in others {
            contradictions.push([Some(id), Some(other)])?;
        }
    }
    batch.copy(conn, [rows, about, contradictions]).await
}

/// Adds force figures.
pub async fn force_figures(
    conn: &mut PgConnection,
    revisions: Option<i64>,
    figures: &[ForceFigure],
) -> Result<Vec<Value>, sqlx::Error> {
    let mut batch = Batch::new(Resource::ForceFigures, revisions);
    let mut rows = Rows::new(
        "force_figures",
        "id, actor_id, claimant_id, metric, as_of_start, as_of_end, doc",
    );
    for f in figures {
        let id = f.id.as_str();
        let doc = batch.record(id, &stored_force_figure(f), f.sources.ids())?;
        let (start, end) = (f.as_of.start().to_string(), f.as_of.end().to_string());
        rows.push([
            Some(id),
            Some(f.actor.as_str()),
            Some(f.claimant.as_str()),
            Some(f.metric.as_str()),
            Some(&start),
            Some(&end),
            Some(&doc),
        ])?;
    }
    batch.copy(conn, [rows]).await
}

/// Why a bulk load cannot start.
#[derive(Debug, thiserror::Error)]
pub enum BulkError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// Bulk loads only fill an empty database, so they can never mix with real data.
    #[error(
        "the database already holds a dataset (release `{0}`): generate into an empty database, e.g. DATABASE_URL=postgres://.../durand_scale"
    )]
    NotEmpty(String),
}

/// Starts a bulk load of dataset version 1, authored `author`, into an empty database: takes
/// the write lock, writes the metadata and the version, and has the row-version triggers stamp
/// every row with version 1. Nothing is visible until [`finish`] commits.
pub async fn begin(
    pool: &sqlx::PgPool,
    meta: &crate::domain::DatasetMeta,
    author: &str,
) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, BulkError> {
    let mut tx = pool.begin().await?;
    super::history::lock(&mut tx).await?;
    let held: Option<String> = sqlx::query_scalar(
        "select coalesce((select release from dataset_meta), (select 'unknown' from revisions limit 1))",
    )
    .fetch_one(&mut *tx)
    .await?;
    if let Some(release) = held {
        return Err(BulkError::NotEmpty(release));
    }
    sqlx::query("select set_config('durand.version', '1', true)")
        .execute(&mut *tx)
        .await?;
    sqlx::query("set constraints all immediate")
        .execute(&mut *tx)
        .await?;
    super::dataset::write_meta(&mut tx, meta).await?;
    // The revisions written next name this version.
    super::history::commit_version(&mut tx, author, &[]).await?;
    Ok(tx)
}

/// Counts what was loaded into version 1 and commits the bulk load.
pub async fn finish(
    mut tx: sqlx::Transaction<'static, sqlx::Postgres>,
) -> Result<i64, sqlx::Error> {
    let counts = super::dataset::count(&mut tx).await?;
    sqlx::query("update dataset_versions set counts = $1 where version = 1")
        .bind(sqlx::types::Json(counts))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(1)
}

/// Refreshes the planner's statistics on every table.
pub async fn analyze(pool: &sqlx::PgPool) -> Result<(), sqlx::Error> {
    sqlx::query("analyze").execute(pool).await.map(|_| ())
}
