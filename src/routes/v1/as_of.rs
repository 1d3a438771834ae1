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

use crate::caching::{AsOfStamp, ReadStamp};
use crate::domain::{AsOf, Resource};
use crate::error::ApiError;
use crate::replicas::{Pools, ReadFrom};
use crate::store;
use crate::store::Reader;
use crate::store::dataset::Stamp;
use crate::store::versions::ResolveError;

/// The data a read handler may read: call [`Db::at`] with its `as_of` parameter.
///
/// The current data comes from the pool the caching middleware chose (the replica, unless
/// the client asked for a version it has not replayed yet); a past version from the replica
/// when it has that version, else the primary.
pub struct Db {
    /// Where current reads go.
    current: ReadFrom,
    pools: Pools,
    req: HttpRequest,
}

impl FromRequest for Db {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(match req.app_data::<web::Data<Pools>>() {
            Some(pools) => {
                let current = req.extensions().get::<ReadFrom>().cloned();
                Ok(Self {
                    current: current.unwrap_or_else(|| ReadFrom {
                        pool: pools.primary.clone(),
                        replica: false,
                    }),
                    pools: pools.get_ref().clone(),
                    req: req.clone(),
                })
            }
            None => Err(ApiError::Internal(anyhow::anyhow!(
                "the app has no database pools registered"
            ))),
        })
    }
}

impl Db {
    /// What to read: the current data without `as_of`, else the row versions valid at the
    /// version it names (nothing is built). For a past version, the caching middleware is
    /// told its stamp, so the response's headers describe that version.
    pub async fn at(&self, as_of: Option<AsOf>) -> Result<DataPool, ApiError> {
        let Some(as_of) = as_of else {
            return Ok(DataPool {
                reader: Reader::per_request(self.current.pool.clone(), None),
                main: self.current.pool.clone(),
            });
        };
        let (pool, version) = self.resolve(as_of).await?;
        Ok(DataPool {
            reader: Reader::per_request(pool.clone(), Some(version)),
            main: pool,
        })
    }

    /// For the history endpoints, which read the history tables directly: the pool to read
    /// and the dataset version `as_of` names (telling the caching middleware its stamp), or
    /// the current pool and `None` without one.
    pub async fn history_bound(
        &self,
        as_of: Option<AsOf>,
    ) -> Result<(PgPool, Option<i64>), ApiError> {
        match as_of {
            None => Ok((self.current.pool.clone(), None)),
            Some(as_of) => {
                let (pool, version) = self.resolve(as_of).await?;
                Ok((pool, Some(version)))
            }
        }
    }

    /// The current pool and its dataset version, or the primary's when the current pool is
    /// a replica that has not replayed `min_version` yet (the change feed's `since`); the
    /// response's headers then describe the primary's data.
    pub async fn latest_at_least(&self, min_version: i64) -> Result<(PgPool, i64), ApiError> {
        let version =
            |pool: PgPool| async move { store::dataset::stamp(&Reader::current(pool)).await };
        let pool = self.current.pool.clone();
        let latest = version(pool.clone()).await?;
        let at = latest.as_ref().map_or(0, |s| s.version);
        if at >= min_version || !self.current.replica {
            return Ok((pool, at));
        }
        let primary = self.pools.primary.clone();
        let latest = version(primary.clone()).await?;
        let at = latest.as_ref().map_or(0, |s| s.version);
        if let Some(stamp) = latest {
            self.req.extensions_mut().insert(ReadStamp(stamp));
        }
        Ok((primary, at))
    }

    /// Tells the caching middleware which current data the handler read when it pinned the
    /// version itself (the export reads one version in many queries), so the headers name
    /// that version. A read of a past version is described by its `as_of` stamp instead.
    pub fn read_at(&self, stamp: Stamp) {
        self.req.extensions_mut().insert(ReadStamp(stamp));
    }

    /// The pool holding the version `as_of` names, and that version. A version is read from
    /// the replica when it has replayed it; a time is resolved on the primary, which makes
    /// sure no version at or before it is still being written (the replica cannot), and
    /// read from the replica when that has the version.
    async fn resolve(&self, as_of: AsOf) -> Result<(PgPool, i64), ApiError> {
        let primary = &self.pools.primary;
        let Some(replica) = &self.pools.replica else {
            return self.resolved(primary, as_of).await;
        };
        if matches!(as_of, AsOf::Version(_)) {
            match store::versions::resolve(replica, as_of).await {
                Ok(stamp) => return Ok(self.stamped(replica, stamp)),
                // Perhaps not replayed yet: the primary says whether it exists.
                Err(ResolveError::OutOfRange(_)) => return self.resolved(primary, as_of).await,
                Err(e) => return Err(as_of_error(e)),
            }
        }
        let (pool, version) = self.resolved(primary, as_of).await?;
        if store::versions::replayed(replica, version).await? {
            return Ok((replica.clone(), version));
        }
        Ok((pool, version))
    }

    /// `as_of` resolved on `pool`, its stamp given to the caching middleware.
    async fn resolved(&self, pool: &PgPool, as_of: AsOf) -> Result<(PgPool, i64), ApiError> {
        let stamp = store::versions::resolve(pool, as_of)
            .await
            .map_err(as_of_error)?;
        Ok(self.stamped(pool, stamp))
    }

    fn stamped(&self, pool: &PgPool, stamp: Stamp) -> (PgPool, i64) {
        let version = stamp.version;
        self.req.extensions_mut().insert(AsOfStamp(stamp));
        (pool.clone(), version)
    }
}

/// The current data or one past version; derefs to its [`Reader`].
pub struct DataPool {
    reader: Reader,
    main: PgPool,
}

impl Deref for DataPool {
    type Target = Reader;

    fn deref(&self) -> &Reader {
        &self.reader
    }
}

impl DataPool {
    /// What to answer for a record this data does not hold: 410 Gone with its tombstone when
    /// it had been deleted (at or before the version read), else 404 Not Found.
    pub async fn missing(&self, resource: Resource, id: &str) -> ApiError {
        let not_found = ApiError::NotFound {
            resource,
            id: id.to_owned(),
        };
        // Tombstones are kept beside the data tables, read from the main tables of the pool
        // this data comes from.
        let tombstone = async {
            let mut conn = self.main.acquire().await?;
            store::history::tombstone(&mut conn, resource, id, self.reader.version()).await
        };
        ApiError::gone_or(tombstone.await, not_found)
    }
}

/// Query parameters of the reads that take no other: single records, `/v1/dataset` and
/// `/v1/export`.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOfParams {
    /// Time travel: the data as it was at this dataset version (`42`) or time (RFC 3339,
    /// e.g. `2026-03-01T12:00:00Z`); the same request always returns the same bytes.
    #[param(inline)]
    pub as_of: Option<AsOf>,
}

/// A time or version `as_of` cannot name is the client's 400; anything else is ours.
fn as_of_error(e: ResolveError) -> ApiError {
    match e {
        ResolveError::OutOfRange(detail) => ApiError::invalid("as_of", detail),
        ResolveError::Database(e) => e.into(),
    }
}
