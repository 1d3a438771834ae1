//! What a read sees: the current tables, or the dataset as it was at one past version.
//!
//! A past version is read from the row versions (migration `20261130000003_asof_views`): the
//! store's usual queries run in a read-only transaction whose `search_path` is the schema
//! `asof`, where each data table is a view of the rows valid at the version in the setting
//! `durand.as_of`. Both settings are local to the transaction, so a pooled connection never
//! carries them into another read. Nothing is built per version; the pool is the same.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, PgPool, Postgres, Transaction};
use tokio::sync::{Mutex, OnceCell, OwnedMutexGuard};

/// The data a store read function reads: current, or as of one dataset version, or as a
/// write's own transaction sees it.
#[derive(Debug, Clone)]
pub struct Reader {
    from: From,
    version: Option<i64>,
}

/// Where a [`Reader`]'s connections come from.
#[derive(Clone)]
enum From {
    Pool(PgPool),
    /// One open transaction, shared by the reads made inside it.
    Within(Arc<Mutex<Transaction<'static, Postgres>>>),
    /// One connection (for a past version, one read-only transaction) taken from `pool` at
    /// the first read and held until the reader and its clones are dropped.
    Held {
        pool: PgPool,
        slot: Arc<OnceCell<Arc<Mutex<Held>>>>,
    },
}

/// What a per-request reader holds ([`Reader::per_request`]).
pub enum Held {
    Conn(PoolConnection<Postgres>),
    Tx(Transaction<'static, Postgres>),
}

impl std::fmt::Debug for From {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Pool(pool) => f.debug_tuple("Pool").field(pool).finish(),
            Self::Within(_) => f.write_str("Within(transaction)"),
            Self::Held { pool, .. } => f.debug_tuple("Held").field(pool).finish(),
        }
    }
}

impl Reader {
    /// The current data.
    pub fn current(pool: PgPool) -> Self {
        Self {
            from: From::Pool(pool),
            version: None,
        }
    }

    /// The data a request reads (current, or at `version`), on one connection taken at its
    /// first query and given back when the reader is dropped: a page's queries (the page,
    /// then what its attribution needs) cost one trip to the pool, not one each, and a past
    /// version's are one snapshot. For a request's handler, not for anything that lives on
    /// (an export's stream reads through [`pinned`](Self::pinned), which takes and gives back).
    pub fn per_request(pool: PgPool, version: Option<i64>) -> Self {
        Self {
            from: From::Held {
                pool,
                slot: Arc::new(OnceCell::new()),
            },
            version,
        }
    }

    /// The data as transaction `tx` sees it, its own uncommitted writes included: a write
    /// reads back what it wrote before it commits, so that nothing can fail after the commit.
    pub fn within(tx: Arc<Mutex<Transaction<'static, Postgres>>>) -> Self {
        Self {
            from: From::Within(tx),
            version: None,
        }
    }

    /// The data as it was at dataset `version` (which must exist: resolve `as_of` first).
    pub fn at(pool: PgPool, version: i64) -> Self {
        Self {
            from: From::Pool(pool),
            version: Some(version),
        }
    }

    /// The same data, pinned at dataset `version` (the version it is now, for a reader of the
    /// current data): its later reads see that version however many writes land meanwhile.
    pub fn pinned(&self, version: i64) -> Self {
        let from = match &self.from {
            // A pinned reader outlives the request: it takes connections as it needs them.
            From::Held { pool, .. } => From::Pool(pool.clone()),
            other => other.clone(),
        };
        Self {
            from,
            version: Some(version),
        }
    }

    /// The past version read, or `None` for the current data.
    pub fn version(&self) -> Option<i64> {
        self.version
    }

    /// A connection to run one read's queries on.
    pub async fn conn(&self) -> Result<ReadConn, sqlx::Error> {
        match (&self.from, self.version) {
            (From::Within(tx), _) => Ok(ReadConn::Within(Arc::clone(tx).lock_owned().await)),
            (From::Pool(pool), None) => Ok(ReadConn::Current(pool.acquire().await?)),
            (From::Pool(_), Some(_)) => Ok(ReadConn::Past(self.begin().await?)),
            (From::Held { pool, slot }, version) => {
                let held = slot
                    .get_or_try_init(|| async {
                        let held = match version {
                            None => Held::Conn(pool.acquire().await?),
                            Some(_) => Held::Tx(self.begin().await?),
                        };
                        Ok::<_, sqlx::Error>(Arc::new(Mutex::new(held)))
                    })
                    .await?;
                Ok(ReadConn::Held(Arc::clone(held).lock_owned().await))
            }
        }
    }

    /// A read-only, repeatable-read transaction on this data: several queries that must see
    /// one state (an export). Not within a write's transaction, which is one state already.
    pub async fn begin(&self) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
        let pool = match &self.from {
            From::Within(_) => {
                return Err(sqlx::Error::InvalidArgument(
                    "a read within a write's transaction cannot begin another".into(),
                ));
            }
            From::Pool(pool) | From::Held { pool, .. } => pool,
        };
        // One round trip: the transaction's mode and, for a past version, the `asof`
        // views' settings, sent together.
        let begin = match self.version {
            None => "begin isolation level repeatable read, read only".to_owned(),
            Some(version) => format!(
                "begin isolation level repeatable read, read only; \
                 select set_config('search_path', 'asof', true), \
                 set_config('durand.as_of', '{version}', true)"
            ),
        };
        let tx = pool.begin_with(begin).await?;
        Ok(tx)
    }
}

/// A connection reading the current tables, a transaction reading a past version or one
/// snapshot (rolled back when dropped: it only ever read), or a write's own transaction.
pub enum ReadConn {
    Current(PoolConnection<Postgres>),
    Past(Transaction<'static, Postgres>),
    Within(OwnedMutexGuard<Transaction<'static, Postgres>>),
    Held(OwnedMutexGuard<Held>),
}

impl Deref for ReadConn {
    type Target = PgConnection;

    fn deref(&self) -> &PgConnection {
        match self {
            Self::Current(c) => c,
            Self::Past(t) => t,
            Self::Within(t) => t,
            Self::Held(h) => match &**h {
                Held::Conn(c) => c,
                Held::Tx(t) => t,
            },
        }
    }
}

impl DerefMut for ReadConn {
    fn deref_mut(&mut self) -> &mut PgConnection {
        match self {
            Self::Current(c) => c,
            Self::Past(t) => t,
            Self::Within(t) => t,
            Self::Held(h) => match &mut **h {
                Held::Conn(c) => c,
                Held::Tx(t) => t,
            },
        }
    }
}
