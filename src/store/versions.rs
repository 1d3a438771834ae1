//! Dataset versions: which version an `as_of` names, and the dataset at a version rebuilt
//! from the revisions (a cross-check of the row versions that serve `as_of`).

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde_json::Value;
use sqlx::PgPool;
use sqlx::types::Json;

use super::dataset::Stamp;
use crate::domain::{AsOf, Dataset, DatasetMeta, Resource};

/// Why `as_of` names no version.
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    /// The version or time is out of range; the message says what is allowed.
    #[error("{0}")]
    OutOfRange(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
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

/// Whether `pool` holds dataset `version` (a replica holds it once it has replayed its
/// commit, with every row the version wrote).
#[tracing::instrument(skip(pool))]
pub async fn replayed(pool: &PgPool, version: i64) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar::<_, bool>(
        "select exists (select 1 from dataset_versions where version = $1)",
    )
    .bind(version)
    .fetch_one(pool)
    .await
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
