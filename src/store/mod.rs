//! All SQL lives here: one function per query, no HTTP.
//!
//! Records are stored whole as JSON documents beside the columns that filters and keyset
//! pagination use (see the first migration), so reads return the domain types directly.

pub mod actors;
pub mod bulk;
pub mod changes;
pub mod claims;
pub mod curation;
pub mod dataset;
pub mod documents;
pub mod export;
pub mod force_figures;
pub mod history;
pub mod import;
pub mod incidents;
pub mod keys;
pub mod keyset;
pub mod lookups;
pub mod reader;
pub mod records;
pub mod row_versions;
pub mod search;
pub mod versions;

pub use reader::Reader;
pub mod sources;
pub mod timeline;

use std::time::Duration;

use sqlx::migrate::MigrateDatabase;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres};

/// The migrations in `migrations/`, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Creates the database named in `url` if it does not exist yet.
pub async fn ensure_database(url: &str) -> Result<(), sqlx::Error> {
    if !Postgres::database_exists(url).await? {
        tracing::info!("creating the database");
        Postgres::create_database(url).await?;
    }
    Ok(())
}

/// Opens a connection pool; connections are made lazily, so this never blocks on the server.
///
/// JIT compilation is off for Durand's sessions: its queries are short index reads, but a
/// page through an `as_of` view is estimated as costly enough to compile, which took 320 ms
/// for a read that runs in under 1 ms (bench/scale, 1M incidents).
pub fn connect(options: PgConnectOptions, max_connections: u32) -> PgPool {
    pool_options()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(5))
        .connect_lazy_with(options.options([("jit", "off")]))
}

/// How long a request may wait on the database before it is answered 503 (with
/// `Retry-After`): every wait has a bound. Commands (migrate, import, generate) are not bound.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct WaitSettings {
    /// Longest a query may run, in ms (PostgreSQL `statement_timeout`).
    #[arg(long, env = "DURAND_STATEMENT_TIMEOUT_MS", default_value_t = 10_000)]
    pub statement_timeout_ms: u64,
    /// Longest a write (or an `as_of` time, which waits for a write in progress) waits for the
    /// write before it, in ms (PostgreSQL `lock_timeout`, and the writer gate in the process).
    #[arg(long, env = "DURAND_LOCK_TIMEOUT_MS", default_value_t = 3_000)]
    pub lock_timeout_ms: u64,
    /// Longest a request waits for a pooled connection, in ms.
    #[arg(long, env = "DURAND_DB_ACQUIRE_TIMEOUT_MS", default_value_t = 1_000)]
    pub acquire_timeout_ms: u64,
}

impl Default for WaitSettings {
    fn default() -> Self {
        Self {
            statement_timeout_ms: 10_000,
            lock_timeout_ms: 3_000,
            acquire_timeout_ms: 1_000,
        }
    }
}

/// Opens the pool a server reads and writes through: like [`connect`], with every wait
/// bounded by `waits` (a query past `statement_timeout`, a lock past `lock_timeout`, or no
/// free connection within the acquire timeout fails fast, and the request is a 503).
pub fn connect_serving(
    options: PgConnectOptions,
    max_connections: u32,
    waits: &WaitSettings,
) -> PgPool {
    let statement = format!("{}ms", waits.statement_timeout_ms);
    let lock = format!("{}ms", waits.lock_timeout_ms);
    pool_options()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_millis(waits.acquire_timeout_ms))
        .connect_lazy_with(options.options([
            ("jit", "off"),
            ("statement_timeout", statement.as_str()),
            ("lock_timeout", lock.as_str()),
        ]))
}

/// How long a pooled connection may sit idle before it is pinged on its way out of the pool.
const PING_IF_IDLE_FOR: Duration = Duration::from_secs(1);

/// Pool options shared by every pool. sqlx pings each connection as it goes back to the
/// pool, and by default again as it comes out: two round trips per query on top of the
/// query, for a page that reads four times. A connection released less than a second ago
/// was just found alive, so only one idle for longer (which a server restart may have cut)
/// is pinged before use.
fn pool_options() -> PgPoolOptions {
    PgPoolOptions::new()
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= PING_IF_IDLE_FOR {
                    sqlx::Connection::ping(conn).await?;
                }
                Ok(true)
            })
        })
}

/// Applies every pending migration, then gives data written before row versions existed its
/// history ([`row_versions::backfill`], a no-op once done).
pub async fn migrate(pool: &PgPool) -> Result<(), sqlx::migrate::MigrateError> {
    MIGRATOR.run(pool).await?;
    row_versions::backfill(pool)
        .await
        .map_err(sqlx::migrate::MigrateError::Execute)
}

/// Answers whether the database responds, for `/readyz`.
pub async fn ping(pool: &PgPool) -> Result<(), sqlx::Error> {
    sqlx::query_scalar!("select 1 as \"one!\"")
        .fetch_one(pool)
        .await
        .map(|_| ())
}
