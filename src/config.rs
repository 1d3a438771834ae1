//! Configuration, read once at start-up from flags or environment variables
//! (documented in `.env.example` and docs/OPERATIONS.md).

use std::net::SocketAddr;
use std::str::FromStr;

use sqlx::postgres::PgConnectOptions;

pub use crate::store::WaitSettings;
use crate::telemetry::LogFormat;

/// The default bound on the bytes the response cache keeps (`DURAND_CACHE_BYTES`).
pub const DEFAULT_CACHE_BYTES: u64 = 32 * 1024 * 1024;

/// The longest `DURAND_KEY_CACHE_TTL_MS` taken: an hour (revocation should not wait longer,
/// and moka refuses lifetimes of centuries).
pub const MAX_KEY_CACHE_TTL_MS: u64 = 3_600_000;

/// How to reach PostgreSQL.
#[derive(Debug, Clone, clap::Args)]
pub struct DatabaseSettings {
    /// PostgreSQL URL, e.g. postgres://postgres@127.0.0.1:5432/durand.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: String,
    /// PostgreSQL URL of a streaming replica for reads (optional); writes, keys, migrations
    /// and imports always use DATABASE_URL.
    #[arg(long, env = "DATABASE_READ_URL", hide_env_values = true)]
    pub database_read_url: Option<String>,
    /// Largest number of pooled connections.
    #[arg(long, env = "DURAND_DB_MAX_CONNECTIONS", default_value_t = 10)]
    pub max_connections: u32,
}

impl DatabaseSettings {
    /// The parsed connection options.
    pub fn connect_options(&self) -> Result<PgConnectOptions, sqlx::Error> {
        PgConnectOptions::from_str(&self.database_url)
    }

    /// The parsed connection options of the read replica, when one is configured.
    pub fn read_connect_options(&self) -> Option<Result<PgConnectOptions, sqlx::Error>> {
        self.database_read_url
            .as_deref()
            .filter(|url| !url.is_empty())
            .map(PgConnectOptions::from_str)
    }
}

/// Where and how the HTTP server listens.
#[derive(Debug, Clone, clap::Args)]
pub struct ServerSettings {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "DURAND_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "DURAND_WORKERS")]
    pub workers: Option<usize>,
    #[command(flatten)]
    pub rate_limit: RateLimitSettings,
    #[command(flatten)]
    pub waits: WaitSettings,
    /// On SIGTERM or SIGINT, how long requests in flight may take to finish, in seconds,
    /// before the server stops anyway. Give the orchestrator's kill timeout a little more.
    #[arg(long, env = "DURAND_SHUTDOWN_GRACE", default_value_t = 30)]
    pub shutdown_grace: u64,
    /// Records `/v1/export` reads per query. Each chunk is one short read (a connection
    /// taken and given back), so an export holds no connection while its client is not reading.
    #[arg(
        long,
        env = "DURAND_EXPORT_CHUNK_ROWS",
        default_value_t = crate::store::export::DEFAULT_CHUNK_ROWS,
        value_parser = clap::value_parser!(u32).range(1..=10_000)
    )]
    pub export_chunk_rows: u32,
    /// Bytes of finished responses kept in memory, keyed by dataset version, so repeated
    /// reads of unchanged data cost no database work; 0 turns the cache off.
    #[arg(long, env = "DURAND_CACHE_BYTES", default_value_t = DEFAULT_CACHE_BYTES)]
    pub cache_bytes: u64,
    /// While the version listener is down (PostgreSQL restarting, say), how long a read
    /// of the dataset version is reused, in milliseconds. While it is up, versions arrive
    /// as notifications and this does not apply.
    #[arg(long, env = "DURAND_STAMP_TTL_MS", default_value_t = 2_000)]
    pub stamp_ttl_ms: u64,
    /// The address people reach this server at (`https://durand.example.org`), for the
    /// absolute addresses the pages give search engines (schema.org JSON-LD, canonical
    /// links). Unset, those addresses are relative to the page: a client's `Host` header is
    /// never trusted to build them.
    #[arg(long, env = "DURAND_PUBLIC_URL")]
    pub public_url: Option<PublicUrl>,
}

/// An absolute `http` or `https` address without a query or fragment (`DURAND_PUBLIC_URL`),
/// kept without a trailing slash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl(String);

impl FromStr for PublicUrl {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let rest = s
            .strip_prefix("https://")
            .or_else(|| s.strip_prefix("http://"))
            .ok_or_else(|| format!("`{s}` must start with https:// or http://"))?;
        let host = rest.split('/').next().unwrap_or_default();
        if host.is_empty() || rest.contains(['?', '#']) || s.contains(char::is_whitespace) {
            return Err(format!(
                "`{s}` must be an address with a host and no query or fragment, e.g. https://durand.example.org"
            ));
        }
        Ok(Self(s.trim_end_matches('/').to_owned()))
    }
}

impl PublicUrl {
    /// The absolute address of `path` (which starts with `/`).
    pub fn join(&self, path: &str) -> String {
        format!("{}{path}", self.0)
    }
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            workers: None,
            rate_limit: RateLimitSettings::default(),
            waits: WaitSettings::default(),
            shutdown_grace: 30,
            export_chunk_rows: crate::store::export::DEFAULT_CHUNK_ROWS,
            cache_bytes: DEFAULT_CACHE_BYTES,
            stamp_ttl_ms: 2_000,
            public_url: None,
        }
    }
}

/// Rate limiting: per client address for anonymous requests, per key for keyed ones.
#[derive(Debug, Clone, clap::Args)]
pub struct RateLimitSettings {
    /// Requests each client address may make per minute without a key, sustained (0 turns
    /// all limiting off, and with it the checking of keys on reads).
    #[arg(long, env = "DURAND_RATE_LIMIT_PER_MINUTE", default_value_t = 1200)]
    pub per_minute: u32,
    /// Requests a client address may make in a burst above the sustained rate.
    #[arg(long, env = "DURAND_RATE_LIMIT_BURST", default_value_t = 120)]
    pub burst: u32,
    /// Requests each API key may make per minute, sustained, wherever they come from
    /// (0: keyed requests are not limited).
    #[arg(
        long,
        env = "DURAND_RATE_LIMIT_KEYED_PER_MINUTE",
        default_value_t = 6000
    )]
    pub keyed_per_minute: u32,
    /// Requests an API key may make in a burst above its sustained rate.
    #[arg(long, env = "DURAND_RATE_LIMIT_KEYED_BURST", default_value_t = 600)]
    pub keyed_burst: u32,
    /// How long a key checked on a read is trusted without asking the database again, in ms
    /// (0 to one hour; 0 asks on every keyed read): a revoked key keeps reading (never
    /// writing) for up to this long.
    #[arg(
        long,
        env = "DURAND_KEY_CACHE_TTL_MS",
        default_value_t = 30_000,
        value_parser = clap::value_parser!(u64).range(0..=MAX_KEY_CACHE_TTL_MS)
    )]
    pub key_cache_ttl_ms: u64,
    /// Proxies whose `X-Forwarded-For` is trusted to name the client (comma-separated IPs).
    #[arg(long, env = "DURAND_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        Self {
            per_minute: 1200,
            burst: 120,
            keyed_per_minute: 6000,
            keyed_burst: 600,
            key_cache_ttl_ms: 30_000,
            trusted_proxies: Vec::new(),
        }
    }
}

/// How logs are written.
#[derive(Debug, Clone, clap::Args)]
pub struct LogSettings {
    /// Log filter in `RUST_LOG` syntax.
    #[arg(long = "log", env = "RUST_LOG", default_value = "info,sqlx=warn")]
    pub filter: String,
    /// `pretty` for people, `json` for log collectors.
    #[arg(long, env = "DURAND_LOG_FORMAT", value_enum, default_value = "pretty")]
    pub log_format: LogFormat,
    /// Also log each span as it closes, with the time spent in it (`time.busy`, `time.idle`):
    /// a request's handler, listing and store spans show where its time went.
    #[arg(long, env = "DURAND_LOG_SPANS")]
    pub log_spans: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_public_url_is_an_absolute_http_address_without_query() {
        let url: PublicUrl = "https://durand.example.org/".parse().unwrap();
        assert_eq!(url.join("/claims/x"), "https://durand.example.org/claims/x");
        let under: PublicUrl = "http://example.org/durand".parse().unwrap();
        assert_eq!(under.join("/"), "http://example.org/durand/");
        for bad in [
            "durand.example.org",
            "https://",
            "https://x.org/?a=1",
            "ftp://x.org",
            "https://x.org/#f",
            "https://x .org",
        ] {
            assert!(bad.parse::<PublicUrl>().is_err(), "{bad}");
        }
    }
}
