//! Time travel on the read endpoints: which data a handler reads, the current tables or a
//! past version (`as_of`).
//!
//! Handlers take [`Db`] instead of a pool and must pass it their `as_of` parameter to get
//! one, so a read endpoint cannot forget the parameter: its params struct documents it (and
//! the `Params` extractor, which refuses unknown parameters, accepts it), and reading it is
//! the only way to a pool.

use std::future::{Ready, ready};
use std::ops::Deref;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use sqlx::PgPool;

use crate::caching::AsOfStamp;
use crate::domain::{AsOf, Resource};
use crate::error::ApiError;
use crate::store;
use crate::store::snapshots::{ResolveError, Snapshots};

/// The data a read handler may read: call [`Db::at`] with its `as_of` parameter.
pub struct Db {
    main: PgPool,
    snapshots: web::Data<Snapshots>,
    req: HttpRequest,
}

impl FromRequest for Db {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let main = req.app_data::<web::Data<PgPool>>();
        let snapshots = req.app_data::<web::Data<Snapshots>>();
        ready(match (main, snapshots) {
            (Some(main), Some(snapshots)) => Ok(Self {
                main: main.get_ref().clone(),
                snapshots: snapshots.clone(),
                req: req.clone(),
            }),
            _ => Err(ApiError::Internal(anyhow::anyhow!(
                "the app has no database pool or snapshots registered"
            ))),
        })
    }
}

impl Db {
    /// The pool to read: the current tables without `as_of`, else the snapshot of the
    /// version it names (built on first use). For a past version, the caching middleware is
    /// told its stamp, so the response's headers describe that version.
    pub async fn at(&self, as_of: Option<AsOf>) -> Result<DataPool, ApiError> {
        let Some(as_of) = as_of else {
            return Ok(DataPool {
                pool: self.main.clone(),
                main: self.main.clone(),
                version: None,
            });
        };
        let (pool, stamp) = self.snapshots.open(as_of).await.map_err(as_of_error)?;
        let version = stamp.version;
        self.req.extensions_mut().insert(AsOfStamp(stamp));
        Ok(DataPool {
            pool,
            main: self.main.clone(),
            version: Some(version),
        })
    }
}

/// A pool reading the current data or one past version; derefs to the pool.
pub struct DataPool {
    pool: PgPool,
    main: PgPool,
    /// The past version read, or `None` for the current data.
    version: Option<i64>,
}

impl Deref for DataPool {
    type Target = PgPool;

    fn deref(&self) -> &PgPool {
        &self.pool
    }
}

impl DataPool {
    /// What to answer for a record this data does not hold: 410 Gone with its tombstone when
    /// it had been deleted (at or before the version read), else `not_found`.
    pub async fn missing(&self, resource: Resource, id: &str, not_found: ApiError) -> ApiError {
        // Tombstones are history, kept beside the current tables, not in snapshots.
        let tombstone = async {
            let mut conn = self.main.acquire().await?;
            store::history::tombstone(&mut conn, resource, id, self.version).await
        };
        ApiError::gone_or(tombstone.await, not_found)
    }
}

/// Query parameters of the reads that take no other: single records, `/v1/dataset` and
/// `/v1/export`.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AsOfParams {
    /// Time travel: the data as it was at this dataset version (`42`) or time (RFC 3339,
    /// e.g. `2026-03-01T12:00:00Z`); the same request always returns the same bytes.
    pub as_of: Option<AsOf>,
}

/// For the history endpoints, which read the history tables directly: the dataset version
/// `as_of` names (telling the caching middleware its stamp), or `None` without one.
pub async fn history_bound(
    req: &HttpRequest,
    pool: &PgPool,
    as_of: Option<AsOf>,
) -> Result<Option<i64>, ApiError> {
    let Some(as_of) = as_of else {
        return Ok(None);
    };
    let stamp = store::snapshots::resolve(pool, as_of)
        .await
        .map_err(as_of_error)?;
    let version = stamp.version;
    req.extensions_mut().insert(AsOfStamp(stamp));
    Ok(Some(version))
}

/// A time or version `as_of` cannot name is the client's 400; anything else is ours.
fn as_of_error(e: ResolveError) -> ApiError {
    match e {
        ResolveError::OutOfRange(detail) => ApiError::invalid("as_of", detail),
        ResolveError::Database(e) => e.into(),
    }
}
