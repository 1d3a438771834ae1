//! Read replicas: which PostgreSQL pool serves a read.
//!
//! Durand keeps no state of its own, so it scales out as identical processes; reads may go
//! to a streaming replica (`DATABASE_READ_URL`). Writes, API keys (authenticating records
//! `last_used_at`), migrations and imports always use the primary. A replica replays the
//! primary's WAL with some lag, so a client that has just written sends the version its
//! write answered with (`Durand-Dataset-Version: N`) and is read from the primary until the
//! replica has replayed N. LISTEN/NOTIFY is not delivered on a standby: versions are
//! listened for on the primary, and a replica's read is cached only when the replica's own
//! stamp equals the primary's notified version.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use actix_web::http::header::{HeaderMap, HeaderName};
use actix_web::web;
use sqlx::PgPool;

use crate::error::ApiError;
use crate::store::dataset::Stamp;

/// The header carrying the dataset version on every data response, and on a request the
/// version its read must reflect.
pub const DATASET_VERSION: HeaderName = HeaderName::from_static("durand-dataset-version");

/// The dataset stamp as this process knows it.
///
/// While the version listener ([`crate::notifications`]) is connected, a cached stamp is
/// current until a notification (or a write of this process) invalidates it, and is
/// *trusted*: the response cache may answer from it. While the listener is down, the stamp
/// is re-read at most once per `ttl`, and not trusted.
pub struct DatasetStamp {
    ttl: Duration,
    cached: Mutex<Option<Cached>>,
    /// Whether the listener is connected and listening.
    listening: AtomicBool,
    /// Bumped by every invalidation: a stamp read that began before one is not kept.
    generation: AtomicU64,
}

#[derive(Clone)]
struct Cached {
    at: Instant,
    stamp: Stamp,
    /// Read while the listener was listening, with no invalidation during the read.
    trusted: bool,
}

/// A stamp, and whether it is known to be current (see [`DatasetStamp`]).
#[derive(Debug, Clone)]
pub struct Known {
    pub stamp: Stamp,
    pub trusted: bool,
}

impl DatasetStamp {
    /// A stamp cache that re-reads after `ttl` while no listener keeps it current.
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            cached: Mutex::new(None),
            listening: AtomicBool::new(false),
            generation: AtomicU64::new(0),
        }
    }

    /// How long a stamp read without a listener is kept.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// The current stamp; `None` when no dataset is loaded or the database is unreachable
    /// (the response is then served without the headers that need it).
    pub async fn get(&self, pool: &PgPool) -> Option<Stamp> {
        self.get_at_least(pool, None).await
    }

    /// The current stamp, re-read now if the cached one is older than `min_version` (a
    /// version the client has already seen, perhaps from another process).
    pub async fn get_at_least(&self, pool: &PgPool, min_version: Option<i64>) -> Option<Stamp> {
        self.known(pool, min_version).await.map(|k| k.stamp)
    }

    /// The current stamp and whether it is trusted, read as [`get_at_least`](Self::get_at_least) does.
    pub async fn known(&self, pool: &PgPool, min_version: Option<i64>) -> Option<Known> {
        let listening = self.listening.load(Ordering::Acquire);
        if let Some(c) = self.cached.lock().ok()?.as_ref()
            && (c.trusted || c.at.elapsed() < self.ttl)
            && min_version.is_none_or(|n| c.stamp.version >= n)
        {
            return Some(Known {
                stamp: c.stamp.clone(),
                trusted: c.trusted && listening,
            });
        }
        let generation = self.generation.load(Ordering::Acquire);
        let stamp = crate::store::dataset::stamp(&crate::store::Reader::current(pool.clone()))
            .await
            .ok()??;
        let mut cached = self.cached.lock().ok()?;
        // An invalidation during the read may mean the stamp read is already old: answer
        // with it (the request began before the change), but do not keep it.
        let unchanged = self.generation.load(Ordering::Acquire) == generation;
        let trusted = listening && unchanged && self.listening.load(Ordering::Acquire);
        if unchanged {
            *cached = Some(Cached {
                at: Instant::now(),
                stamp: stamp.clone(),
                trusted,
            });
        }
        Some(Known { stamp, trusted })
    }

    /// The trusted current version, if one is cached (no database read).
    pub fn trusted_version(&self) -> Option<i64> {
        if !self.listening.load(Ordering::Acquire) {
            return None;
        }
        let cached = self.cached.lock().ok()?;
        cached
            .as_ref()
            .filter(|c| c.trusted)
            .map(|c| c.stamp.version)
    }

    /// Forgets the cached stamp, so the next response reads the new one (after a write, or
    /// a notification of one).
    pub fn invalidate(&self) {
        if let Ok(mut cached) = self.cached.lock() {
            self.generation.fetch_add(1, Ordering::AcqRel);
            *cached = None;
        }
    }

    /// Records whether the listener is listening. Either way the cached stamp is forgotten:
    /// one read before the listener began cannot be trusted, and without it nothing is.
    pub fn set_listening(&self, listening: bool) {
        if listening {
            self.invalidate();
            self.listening.store(true, Ordering::Release);
        } else {
            self.listening.store(false, Ordering::Release);
            self.invalidate();
        }
    }

    /// Whether the listener is listening (the response cache is bypassed while it is not).
    pub fn is_listening(&self) -> bool {
        self.listening.load(Ordering::Acquire)
    }
}

/// The pools a process reads and writes through: the primary, and a replica for reads.
#[derive(Debug, Clone)]
pub struct Pools {
    /// Every write, every key lookup, and reads that must see the latest version.
    pub primary: PgPool,
    /// A streaming replica for reads, when `DATABASE_READ_URL` is set.
    pub replica: Option<PgPool>,
}

impl Pools {
    /// One pool for everything (no replica).
    pub fn single(primary: PgPool) -> Self {
        Self {
            primary,
            replica: None,
        }
    }
}

impl From<PgPool> for Pools {
    fn from(primary: PgPool) -> Self {
        Self::single(primary)
    }
}

/// The pool a request's reads of current data come from, chosen by [`ReadRouter::route`]
/// before the handler runs and put in the request's extensions.
#[derive(Debug, Clone)]
pub struct ReadFrom {
    pub pool: PgPool,
    /// Whether `pool` is the replica.
    pub replica: bool,
}

/// A choice of pool for one read, with that pool's dataset stamp (the response headers must
/// describe the data actually read, so the stamp comes from the same pool).
#[derive(Debug, Clone)]
pub struct Route {
    pub from: ReadFrom,
    pub stamp: Option<Stamp>,
    /// The version the response cache may file this read under: the stamp's version when
    /// it is known to be current (the version listener is up and, for the replica, the
    /// replica has replayed the primary's current version), else `None` (bypass the cache).
    pub cache_version: Option<i64>,
}

/// Chooses the pool for reads of the current data, keeping a short-lived stamp per pool.
pub struct ReadRouter {
    primary: PgPool,
    /// Shared with the write handlers, which forget it after each write.
    primary_stamp: web::Data<DatasetStamp>,
    replica: Option<(PgPool, DatasetStamp)>,
}

impl ReadRouter {
    /// A router over `pools`; `primary_stamp` is the cache writes invalidate.
    pub fn new(pools: &Pools, primary_stamp: web::Data<DatasetStamp>) -> Self {
        Self {
            primary: pools.primary.clone(),
            replica: pools
                .replica
                .clone()
                .map(|r| (r, DatasetStamp::new(primary_stamp.ttl()))),
            primary_stamp,
        }
    }

    /// The replica, unless it has not replayed `min_version` yet (or cannot tell), in which
    /// case the primary: a client reads its own writes.
    pub async fn route(&self, min_version: Option<i64>) -> Route {
        if let Some((replica, stamps)) = &self.replica {
            let stamp = stamps.get_at_least(replica, min_version).await;
            let caught_up = match (min_version, &stamp) {
                (None, _) => true,
                (Some(n), Some(s)) => s.version >= n,
                (Some(_), None) => false,
            };
            if caught_up {
                // The replica's data is current when it has replayed the version the
                // primary is known to be at (it cannot be ahead of it).
                let current = match self.primary_stamp.trusted_version() {
                    Some(v) => Some(v),
                    None => self
                        .primary_stamp
                        .known(&self.primary, None)
                        .await
                        .filter(|k| k.trusted)
                        .map(|k| k.stamp.version),
                };
                let cache_version = stamp
                    .as_ref()
                    .map(|s| s.version)
                    .filter(|v| current == Some(*v));
                return Route {
                    from: ReadFrom {
                        pool: replica.clone(),
                        replica: true,
                    },
                    stamp,
                    cache_version,
                };
            }
        }
        let known = self.primary_stamp.known(&self.primary, min_version).await;
        Route {
            from: ReadFrom {
                pool: self.primary.clone(),
                replica: false,
            },
            cache_version: known
                .as_ref()
                .filter(|k| k.trusted)
                .map(|k| k.stamp.version),
            stamp: known.map(|k| k.stamp),
        }
    }
}

/// The dataset version a client has seen (`Durand-Dataset-Version: N`, as writes and reads
/// answer), which its read must reflect; a malformed value is the client's 400.
pub fn min_version(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    let mut values = headers.get_all(DATASET_VERSION);
    let Some(value) = values.next() else {
        return Ok(None);
    };
    let bad = || {
        ApiError::invalid(
            "Durand-Dataset-Version",
            "must be one dataset version, a whole number from 0 up (as a response's \
             `Durand-Dataset-Version` header gives it), sent once",
        )
    };
    if values.next().is_some() {
        return Err(bad());
    }
    let text = value.to_str().map_err(|_| bad())?.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    text.parse::<i64>().map(Some).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::HeaderValue;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for v in values {
            map.append(DATASET_VERSION, HeaderValue::from_str(v).unwrap());
        }
        map
    }

    #[test]
    fn dataset_version_header_is_a_whole_number_sent_once() {
        assert_eq!(min_version(&headers(&[])).unwrap(), None);
        assert_eq!(min_version(&headers(&["42"])).unwrap(), Some(42));
        assert_eq!(min_version(&headers(&["0"])).unwrap(), Some(0));
        for bad in ["", "-1", "+3", "4.2", "abc", "99999999999999999999", "1, 2"] {
            assert!(min_version(&headers(&[bad])).is_err(), "{bad:?} accepted");
        }
        assert!(min_version(&headers(&["1", "2"])).is_err());
    }
}
