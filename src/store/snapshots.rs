//! Past versions of the dataset (`as_of`), rebuilt from history into schemas of their own.
//!
//! Version V is served from the schema `asof_V`: a copy of every data table (with its
//! indexes and generated search columns) holding the records as they were at V, rebuilt from
//! `revisions` by the same writer as imports. History never changes, so a snapshot is built
//! once, on first use, and never written again. The store's queries run on it unchanged,
//! through a pool whose connections have `search_path = asof_V`; the main pool never changes
//! its search path, so it cannot be left reading a snapshot.

use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde_json::Value;
use sqlx::postgres::PgPoolOptions;
use sqlx::types::Json;
use sqlx::{Executor, PgPool};

use super::dataset::Stamp;
use crate::domain::{AsOf, Dataset, DatasetMeta, Resource};

/// The tables a snapshot copies: everything the read endpoints query.
const DATA_TABLES: [&str; 12] = [
    "dataset_meta",
    "sources",
    "actors",
    "actor_relations",
    "incidents",
    "incident_actors",
    "incident_locations",
    "claims",
    "claim_about",
    "claim_contradictions",
    "force_figures",
    "citations",
];

/// The schema the migrations create the current tables in.
const CURRENT_SCHEMA: &str = "public";

/// Advisory lock keys of snapshot builds: this plus the version ("asof" in the high bits,
/// apart from the writers' lock).
const BUILD_LOCK: i64 = 0x6173_6f66 << 32;

/// Bumped when the way snapshots are built changes, so that old ones are rebuilt.
const BUILDER: u32 = 1;

/// Snapshot pools kept open at once, and connections per pool: old versions are read
/// rarely, by few clients, so they get little.
const OPEN_SNAPSHOTS: usize = 8;
const SNAPSHOT_CONNECTIONS: u32 = 2;

/// Why `as_of` names no version.
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    /// The version or time is out of range; the message says what is allowed.
    #[error("{0}")]
    OutOfRange(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// The schema holding version `version`. Built from an integer only, so it is safe to put in
/// SQL text (identifiers cannot be bound as parameters).
fn schema_name(version: i64) -> String {
    format!("asof_{version}")
}

/// What a snapshot's schema comment records: the builder and the migrations it was built
/// with. A snapshot built under another layout of the tables is rebuilt.
fn layout() -> String {
    let migration = super::MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
    format!("durand snapshot {BUILDER}, migration {migration}")
}

/// The version `as_of` names and its time: a version must exist; a time means the latest
/// version at or before it, and must be neither in the future (its answer could still
/// change) nor before the first version.
#[tracing::instrument(skip(pool))]
pub async fn resolve(pool: &PgPool, as_of: AsOf) -> Result<Stamp, ResolveError> {
    let current = || async {
        sqlx::query_scalar!("select coalesce(max(version), 0) as \"v!\" from dataset_versions")
            .fetch_one(pool)
            .await
    };
    match as_of {
        AsOf::Version(version) => {
            let at = sqlx::query_scalar!(
                "select at from dataset_versions where version = $1",
                version
            )
            .fetch_optional(pool)
            .await?;
            match at {
                Some(changed_at) => Ok(Stamp {
                    version,
                    changed_at,
                }),
                None => Err(ResolveError::OutOfRange(match current().await? {
                    0 => "names a dataset version, but none has been made yet".to_owned(),
                    c => format!(
                        "must be a dataset version from 1 to {c} (the current one), got {version}"
                    ),
                })),
            }
        }
        AsOf::Time(t) => resolve_time(pool, t).await,
    }
}

/// The latest version made at or before `t`, which must not be in the future.
async fn resolve_time(pool: &PgPool, t: DateTime<Utc>) -> Result<Stamp, ResolveError> {
    let mut tx = pool.begin().await?;
    super::history::settle(&mut tx).await?;
    let now = sqlx::query_scalar!(r#"select statement_timestamp() as "now!""#)
        .fetch_one(&mut *tx)
        .await?;
    if t > now {
        return Err(ResolveError::OutOfRange(format!(
            "must not be in the future (it is now {}): the data at a later time is not known yet",
            rfc3339(now)
        )));
    }
    let found = sqlx::query_as!(
        Stamp,
        r#"
        select version, at as changed_at from dataset_versions
        where at <= $1 order by version desc limit 1
        "#,
        t
    )
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(stamp) = found {
        return Ok(stamp);
    }
    let first = sqlx::query_scalar!("select at from dataset_versions where version = 1")
        .fetch_optional(&mut *tx)
        .await?;
    Err(ResolveError::OutOfRange(match first {
        Some(at) => format!(
            "is before the first dataset version (made at {}): give a time from then on",
            rfc3339(at)
        ),
        None => "names a time, but no dataset version has been made yet".to_owned(),
    }))
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// The open snapshot pools, most recently used last.
pub struct Snapshots {
    main: PgPool,
    open: Mutex<Vec<(Stamp, PgPool)>>,
}

impl Snapshots {
    /// Snapshots of the database `main` reads.
    pub fn new(main: PgPool) -> Self {
        Self {
            main,
            open: Mutex::new(Vec::new()),
        }
    }

    /// A pool reading the data as of `as_of`, and the stamp of the version that is; builds
    /// the version's snapshot first if no one has yet.
    pub async fn open(&self, as_of: AsOf) -> Result<(PgPool, Stamp), ResolveError> {
        if let AsOf::Version(v) = as_of
            && let Some(hit) = self.cached(v)
        {
            return Ok(hit);
        }
        let stamp = resolve(&self.main, as_of).await?;
        if let Some(hit) = self.cached(stamp.version) {
            return Ok(hit);
        }
        let pool = snapshot_pool(&self.main, stamp.version);
        ensure(&self.main, &pool, stamp.version).await?;
        Ok(self.keep(stamp, pool))
    }

    fn cached(&self, version: i64) -> Option<(PgPool, Stamp)> {
        let mut open = self.open.lock().ok()?;
        let i = open.iter().position(|(s, _)| s.version == version)?;
        let entry = open.remove(i);
        let hit = (entry.1.clone(), entry.0.clone());
        open.push(entry);
        Some(hit)
    }

    /// Remembers a built snapshot's pool, forgetting the least recently used beyond the
    /// limit (its connections close once the requests using them finish).
    fn keep(&self, stamp: Stamp, pool: PgPool) -> (PgPool, Stamp) {
        let Ok(mut open) = self.open.lock() else {
            return (pool, stamp);
        };
        // Another request may have opened it meanwhile: keep one pool per version.
        if let Some((_, existing)) = open.iter().find(|(s, _)| s.version == stamp.version) {
            return (existing.clone(), stamp);
        }
        open.push((stamp.clone(), pool.clone()));
        if open.len() > OPEN_SNAPSHOTS {
            open.remove(0);
        }
        (pool, stamp)
    }
}

/// A pool whose connections read the snapshot of `version` and nothing else: with only the
/// snapshot's schema on the search path, a missing table is an error, never the current data.
pub fn snapshot_pool(main: &PgPool, version: i64) -> PgPool {
    let set_path = format!("set search_path to {}", schema_name(version));
    PgPoolOptions::new()
        .max_connections(SNAPSHOT_CONNECTIONS)
        .min_connections(0)
        .idle_timeout(Duration::from_secs(60))
        .acquire_timeout(Duration::from_secs(5))
        .after_connect(move |conn, _| {
            let set_path = set_path.clone();
            Box::pin(async move { conn.execute(set_path.as_str()).await.map(|_| ()) })
        })
        .connect_lazy_with((*main.connect_options()).clone())
}

/// Builds the snapshot of `version` unless it exists: once, in one transaction, under an
/// advisory lock, so concurrent first requests (from any server) wait for one build.
#[tracing::instrument(skip(main, snapshot))]
pub async fn ensure(main: &PgPool, snapshot: &PgPool, version: i64) -> Result<(), sqlx::Error> {
    let schema = schema_name(version);
    let layout = layout();
    let mut tx = snapshot.begin().await?;
    sqlx::query!("select pg_advisory_xact_lock($1)", BUILD_LOCK + version)
        .execute(&mut *tx)
        .await?;
    let built = sqlx::query_scalar!(
        "select obj_description(oid, 'pg_namespace') from pg_namespace where nspname = $1",
        schema
    )
    .fetch_optional(&mut *tx)
    .await?;
    match built {
        Some(Some(l)) if l == layout => return Ok(()),
        Some(_) => {
            tracing::info!(%schema, "rebuilding a snapshot built for another table layout");
            (&mut *tx)
                .execute(format!("drop schema {schema} cascade").as_str())
                .await?;
        }
        None => {}
    }
    let started = std::time::Instant::now();
    (&mut *tx)
        .execute(format!("create schema {schema}").as_str())
        .await?;
    for table in DATA_TABLES {
        (&mut *tx)
            .execute(
                format!(
                    "create table {schema}.{table} (like {CURRENT_SCHEMA}.{table} including all)"
                )
                .as_str(),
            )
            .await?;
    }
    let (dataset, changed_at) = dataset_at(main, version).await?;
    // The search path names the snapshot, so the import writer fills it.
    super::import::write_records(&mut tx, &dataset).await?;
    sqlx::query!(
        "update dataset_meta set version = $1, changed_at = $2",
        version,
        changed_at
    )
    .execute(&mut *tx)
    .await?;
    (&mut *tx)
        .execute(format!("comment on schema {schema} is '{layout}'").as_str())
        .await?;
    tx.commit().await?;
    tracing::info!(
        %schema,
        build_ms = started.elapsed().as_millis() as u64,
        "built a snapshot"
    );
    Ok(())
}

fn decode<T: DeserializeOwned>(doc: Value) -> Result<T, sqlx::Error> {
    serde_json::from_value(doc).map_err(|e| sqlx::Error::Decode(e.into()))
}

/// The dataset as it was at `version`, from history: each record's latest revision up to
/// it, unless that was a delete; and the time of the version.
#[tracing::instrument(skip(pool))]
pub async fn dataset_at(
    pool: &PgPool,
    version: i64,
) -> Result<(Dataset, DateTime<Utc>), sqlx::Error> {
    let head = sqlx::query!(
        r#"select meta as "meta: Json<DatasetMeta>", at from dataset_versions where version = $1"#,
        version
    )
    .fetch_one(pool)
    .await?;
    let mut dataset = Dataset {
        meta: head.meta.0,
        sources: Vec::new(),
        actors: Vec::new(),
        incidents: Vec::new(),
        claims: Vec::new(),
        force_figures: Vec::new(),
    };
    let rows = sqlx::query!(
        r#"
        select distinct on (resource, record_id) resource, after
        from revisions
        where version <= $1
        order by resource, record_id, version desc
        "#,
        version
    )
    .fetch_all(pool)
    .await?;
    for row in rows {
        // A delete leaves no document: the record did not exist at this version.
        let Some(doc) = row.after else { continue };
        let resource: Resource = row.resource.parse().map_err(|()| {
            sqlx::Error::Decode(format!("unknown resource `{}` in revisions", row.resource).into())
        })?;
        match resource {
            Resource::Sources => dataset.sources.push(decode(doc)?),
            Resource::Actors => dataset.actors.push(decode(doc)?),
            Resource::Incidents => dataset.incidents.push(decode(doc)?),
            Resource::Claims => dataset.claims.push(decode(doc)?),
            Resource::ForceFigures => dataset.force_figures.push(decode(doc)?),
        }
    }
    Ok((dataset, head.at))
}
