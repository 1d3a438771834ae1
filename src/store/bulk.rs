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

use super::records::doc;
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

/// The citations and the `create` revisions of a batch of records.
struct Provenance {
    citations: Rows,
    revisions: Rows,
}

impl Provenance {
    fn new() -> Self {
        Self {
            citations: Rows::new("citations", "resource, record_id, source_id"),
            revisions: Rows::new(
                "revisions",
                "version, resource, record_id, operation, before, after, reason",
            ),
        }
    }

    /// Cites a record's sources and, when `version` is given, records its `create` revision.
    /// Returns its stored document, as JSON text and as a value.
    fn record<'a, T: Serialize>(
        &mut self,
        version: Option<&str>,
        resource: Resource,
        id: &str,
        stored: &T,
        sources: impl IntoIterator<Item = &'a SourceId>,
    ) -> Result<(String, Value), sqlx::Error> {
        let value = doc(stored)?;
        let text = value.to_string();
        let cited: BTreeSet<&str> = sources.into_iter().map(SourceId::as_str).collect();
        for source in cited {
            self.citations
                .push([Some(resource.as_str()), Some(id), Some(source)])?;
        }
        if let Some(version) = version {
            self.revisions.push([
                Some(version),
                Some(resource.as_str()),
                Some(id),
                Some("create"),
                None,
                Some(&text),
                None,
            ])?;
        }
        Ok((text, value))
    }

    async fn copy(self, conn: &mut PgConnection) -> Result<(), sqlx::Error> {
        self.citations.copy(conn).await?;
        self.revisions.copy(conn).await
    }
}

/// Adds sources, with their `create` revisions in dataset version `revisions` if given (else
/// the caller records them). Returns their stored documents. The same for each function below.
pub async fn sources(
    conn: &mut PgConnection,
    revisions: Option<i64>,
    sources: &[Source],
) -> Result<Vec<Value>, sqlx::Error> {
    let v = revisions.map(|v| v.to_string());
    let mut docs = Vec::new();
    let mut rows = Rows::new("sources", "id, kind, doc");
    let mut provenance = Provenance::new();
    for s in sources {
        let (doc, value) =
            provenance.record(v.as_deref(), Resource::Sources, s.id.as_str(), s, [])?;
        docs.push(value);
        rows.push([Some(s.id.as_str()), Some(s.kind.as_str()), Some(&doc)])?;
    }
    rows.copy(conn).await?;
    provenance.copy(conn).await?;
    Ok(docs)
}

/// Adds actors and their relations.
pub async fn actors(
    conn: &mut PgConnection,
    revisions: Option<i64>,
    actors: &[Actor],
) -> Result<Vec<Value>, sqlx::Error> {
    let v = revisions.map(|v| v.to_string());
    let mut docs = Vec::new();
    let mut rows = Rows::new("actors", "id, kind, country, doc");
    let mut relations = Rows::new(
        "actor_relations",
        "actor_id, position, related_actor_id, kind",
    );
    let mut provenance = Provenance::new();
    for a in actors {
        let id = a.id.as_str();
        let cited = a
            .sources
            .ids()
            .iter()
            .chain(a.relations.iter().flat_map(|r| r.sources.ids()));
        let (doc, value) = provenance.record(v.as_deref(), Resource::Actors, id, a, cited)?;
        docs.push(value);
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
    rows.copy(conn).await?;
    relations.copy(conn).await?;
    provenance.copy(conn).await?;
    Ok(docs)
}

/// Adds incidents with their actors and places.
pub async fn incidents(
    conn: &mut PgConnection,
    revisions: Option<i64>,
    incidents: &[Incident],
) -> Result<Vec<Value>, sqlx::Error> {
    let v = revisions.map(|v| v.to_string());
    let mut docs = Vec::new();
    let mut rows = Rows::new(
        "incidents",
        "id, kind, date_start, date_end, date_precision, doc",
    );
    let mut actors = Rows::new("incident_actors", "incident_id, actor_id, role");
    let mut places = Rows::new(
        "incident_locations",
        "incident_id, position, country, admin1, lat, lon",
    );
    let mut provenance = Provenance::new();
    for i in incidents {
        let id = i.id.as_str();
        // `claims` is derived from the claims table on every read; it is never stored.
        let stored = Incident {
            claims: Vec::new(),
            ..i.clone()
        };
        let (doc, value) = provenance.record(
            v.as_deref(),
            Resource::Incidents,
            id,
            &stored,
            i.sources.ids(),
        )?;
        docs.push(value);
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
    rows.copy(conn).await?;
    actors.copy(conn).await?;
    places.copy(conn).await?;
    provenance.copy(conn).await?;
    Ok(docs)
}

/// Adds claims with what they are about and what contradicts them. Under immediate
/// constraints, a claim named in `contradicted_by` must be in the same batch or loaded before.
pub async fn claims(
    conn: &mut PgConnection,
    revisions: Option<i64>,
    claims: &[Claim],
) -> Result<Vec<Value>, sqlx::Error> {
    let v = revisions.map(|v| v.to_string());
    let mut docs = Vec::new();
    let mut rows = Rows::new(
        "claims",
        "id, claimant_id, kind, status, incident_id, made_start, made_end, made_precision, doc",
    );
    let mut about = Rows::new("claim_about", "claim_id, actor_id");
    let mut contradictions = Rows::new("claim_contradictions", "claim_id, contradicted_by_id");
    let mut provenance = Provenance::new();
    for c in claims {
        let id = c.id.as_str();
        let stored = Claim {
            attribution: None,
            ..c.clone()
        };
        let (doc, value) =
            provenance.record(v.as_deref(), Resource::Claims, id, &stored, c.sources.ids())?;
        docs.push(value);
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
    rows.copy(conn).await?;
    about.copy(conn).await?;
    contradictions.copy(conn).await?;
    provenance.copy(conn).await?;
    Ok(docs)
}

/// Adds force figures.
pub async fn force_figures(
    conn: &mut PgConnection,
    revisions: Option<i64>,
    figures: &[ForceFigure],
) -> Result<Vec<Value>, sqlx::Error> {
    let v = revisions.map(|v| v.to_string());
    let mut docs = Vec::new();
    let mut rows = Rows::new(
        "force_figures",
        "id, actor_id, claimant_id, metric, as_of_start, as_of_end, doc",
    );
    let mut provenance = Provenance::new();
    for f in figures {
        let id = f.id.as_str();
        let stored = ForceFigure {
            attribution: None,
            ..f.clone()
        };
        let (doc, value) = provenance.record(
            v.as_deref(),
            Resource::ForceFigures,
            id,
            &stored,
            f.sources.ids(),
        )?;
        docs.push(value);
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
    rows.copy(conn).await?;
    provenance.copy(conn).await?;
    Ok(docs)
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
    super::import::write_meta(&mut tx, meta).await?;
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
