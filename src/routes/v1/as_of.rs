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
use crate::store::Reader;
use crate::store::versions::ResolveError;

/// The data a read handler may read: call [`Db::at`] with its `as_of` parameter.
pub struct Db {
    main: PgPool,
    req: HttpRequest,
}

impl FromRequest for Db {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(match req.app_data::<web::Data<PgPool>>() {
            Some(main) => Ok(Self {
                main: main.get_ref().clone(),
                req: req.clone(),
            }),
            None => Err(ApiError::Internal(anyhow::anyhow!(
                "the app has no database pool registered"
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
                reader: Reader::current(self.main.clone()),
                main: self.main.clone(),
            });
        };
        let stamp = store::versions::resolve(&self.main, as_of)
            .await
            .map_err(as_of_error)?;
        let version = stamp.version;
        self.req.extensions_mut().insert(AsOfStamp(stamp));
        Ok(DataPool {
            reader: Reader::at(self.main.clone(), version),
            main: self.main.clone(),
        })
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
    /// it had been deleted (at or before the version read), else `not_found`.
    pub async fn missing(&self, resource: Resource, id: &str, not_found: ApiError) -> ApiError {
        // Tombstones are kept beside the data tables, read from the main tables.
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
    let stamp = store::versions::resolve(pool, as_of)
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
