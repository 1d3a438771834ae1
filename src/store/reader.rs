//! What a read sees: the current tables, or the dataset as it was at one past version.
//!
//! A past version is read from the row versions (migration `20261130000003_asof_views`): the
//! store's usual queries run in a read-only transaction whose `search_path` is the schema
//! `asof`, where each data table is a view of the rows valid at the version in the setting
//! `durand.as_of`. Both settings are local to the transaction, so a pooled connection never
//! carries them into another read. Nothing is built per version; the pool is the same.

use std::ops::{Deref, DerefMut};

use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, PgPool, Postgres, Transaction};

/// The data a store read function reads: current, or as of one dataset version.
#[derive(Debug, Clone)]
pub struct Reader {
    pool: PgPool,
    version: Option<i64>,
}

impl Reader {
    /// The current data.
    pub fn current(pool: PgPool) -> Self {
        Self {
            pool,
            version: None,
        }
    }

    /// The data as it was at dataset `version` (which must exist: resolve `as_of` first).
    pub fn at(pool: PgPool, version: i64) -> Self {
        Self {
            pool,
            version: Some(version),
        }
    }

    /// The past version read, or `None` for the current data.
    pub fn version(&self) -> Option<i64> {
        self.version
    }

    /// The pool reads come from.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// A connection to run one read's queries on.
    pub async fn conn(&self) -> Result<ReadConn, sqlx::Error> {
        match self.version {
            None => Ok(ReadConn::Current(self.pool.acquire().await?)),
            Some(_) => Ok(ReadConn::Past(self.begin().await?)),
        }
    }

    /// A read-only, repeatable-read transaction on this data: several queries that must see
    /// one state (an export).
    pub async fn begin(&self) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("set transaction isolation level repeatable read, read only")
            .execute(&mut *tx)
            .await?;
        if let Some(version) = self.version {
            sqlx::query(
                "select set_config('search_path', 'asof', true), set_config('durand.as_of', $1, true)",
            )
            .bind(version.to_string())
            .execute(&mut *tx)
            .await?;
        }
        Ok(tx)
    }
}

/// A connection reading the current tables, or a transaction reading a past version (rolled
/// back when dropped: it only ever read).
pub enum ReadConn {
    Current(PoolConnection<Postgres>),
    Past(Transaction<'static, Postgres>),
}

impl Deref for ReadConn {
    type Target = PgConnection;

    fn deref(&self) -> &PgConnection {
        match self {
            Self::Current(c) => c,
            Self::Past(t) => t,
        }
    }
}

impl DerefMut for ReadConn {
    fn deref_mut(&mut self) -> &mut PgConnection {
        match self {
            Self::Current(c) => c,
            Self::Past(t) => t,
        }
    }
}
