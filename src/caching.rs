//! HTTP caching for reads: strong `ETag`s, `Last-Modified`, conditional requests (304),
//! `Cache-Control`, `Vary`, and the dataset version on every data response.
//!
//! A newsroom page polling every few seconds should cost one cheap 304 per poll while the
//! data is unchanged. The ETag is a hash of the exact bytes served, so it changes exactly when
//! the representation does; streamed bodies (the NDJSON export) are validated by the
//! dataset's stamp instead, which changes whenever any record does.
//!
//! A read of a past version (`as_of`) is described by that version's stamp, and may be
//! cached for good: it never changes.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse, web};
use sqlx::PgPool;

use crate::replicas::{self, ReadRouter};
use crate::store::dataset::Stamp;

/// The header carrying the dataset version on every data response.
pub const DATASET_VERSION: HeaderName = HeaderName::from_static("durand-dataset-version");

/// How long data responses may be cached by clients and shared caches.
const DATA_MAX_AGE: &str = "public, max-age=60, stale-while-revalidate=60";

/// How long an `as_of` response may be cached: for good, since a past version never changes.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The stamp of the past version a response was built from (`as_of`), put in the request's
/// extensions by the handler's data source; the headers then describe that version, not the
/// current one.
#[derive(Debug, Clone)]
pub struct AsOfStamp(pub Stamp);

/// The stamp of the current data a handler read when it had to read another pool than the
/// one chosen before it ran (the replica lagged behind what the request asked for); the
/// headers then describe what it read.
#[derive(Debug, Clone)]
pub struct ReadStamp(pub Stamp);

/// The dataset stamp, re-read from the database at most once per `ttl`, so that a write
/// (or an import) shows in headers within seconds without a query per request.
pub struct DatasetStamp {
    ttl: Duration,
    cached: Mutex<Option<(Instant, Stamp)>>,
}

impl DatasetStamp {
    /// A stamp cache that re-reads after `ttl`.
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            cached: Mutex::new(None),
        }
    }

    /// How long a read stamp is kept.
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
        if let Some((at, stamp)) = self.cached.lock().ok()?.as_ref()
            && at.elapsed() < self.ttl
            && min_version.is_none_or(|n| stamp.version >= n)
        {
            return Some(stamp.clone());
        }
        let stamp = crate::store::dataset::stamp(&crate::store::Reader::current(pool.clone()))
            .await
            .ok()??;
        if let Ok(mut cached) = self.cached.lock() {
            *cached = Some((Instant::now(), stamp.clone()));
        }
        Some(stamp)
    }
}

impl DatasetStamp {
    /// Forgets the cached stamp, so the next response reads the new one (after a write).
    pub fn invalidate(&self) {
        if let Ok(mut cached) = self.cached.lock() {
            *cached = None;
        }
    }
}

/// The strong ETag of a representation: a hash of its exact bytes. Writes use it to check
/// `If-Match` against the representation a GET serves.
pub fn etag_of(bytes: &[u8]) -> String {
    format!("\"{:032x}\"", xxhash_rust::xxh3::xxh3_128(bytes))
}

/// Whether `If-None-Match` matches `etag` (weak comparison, as RFC 9110 asks for this header).
fn none_match(req: &actix_web::HttpRequest, etag: &str) -> bool {
    let Some(value) = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    value
        .split(',')
        .map(str::trim)
        .any(|candidate| candidate == "*" || candidate.trim_start_matches("W/") == etag)
}

/// Whether `If-Modified-Since` is at or after `last_modified` (ignored when `If-None-Match` is sent).
fn not_modified_since(
    req: &actix_web::HttpRequest,
    last_modified: chrono::DateTime<chrono::Utc>,
) -> bool {
    if req.headers().contains_key(header::IF_NONE_MATCH) {
        return false;
    }
    req.headers()
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| chrono::DateTime::parse_from_rfc2822(v).ok())
        .is_some_and(|since| last_modified.timestamp() <= since.timestamp())
}

fn http_date(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// Middleware: adds validators and cache headers to successful reads, and answers
/// conditional requests with 304.
pub async fn http_cache(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let is_read = matches!(*req.method(), Method::GET | Method::HEAD);
    let is_data = req.path().starts_with("/v1/");
    // Choose the pool the read's data comes from before the handler runs, and take the
    // stamp from that same pool, so the headers never name a version the body lacks.
    let stamp = match (is_read && is_data, req.app_data::<web::Data<ReadRouter>>()) {
        (true, Some(router)) => {
            let min_version = match replicas::min_version(req.headers()) {
                Ok(n) => n,
                Err(e) => {
                    let mut res = req.error_response(e);
                    res.headers_mut()
                        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                    return Ok(res.map_into_boxed_body());
                }
            };
            let route = router.route(min_version).await;
            req.extensions_mut().insert(route.from);
            route.stamp
        }
        _ => None,
    };
    let if_none_match = is_read && req.headers().contains_key(header::IF_NONE_MATCH);
    let res = next.call(req).await?.map_into_boxed_body();
    let (req, res) = res.into_parts();
    let as_of = req.extensions().get::<AsOfStamp>().map(|s| s.0.clone());
    let read = req.extensions().get::<ReadStamp>().map(|s| s.0.clone());
    let (stamp, max_age) = match (as_of, read) {
        (Some(past), _) => (Some(past), IMMUTABLE),
        (None, Some(read)) => (Some(read), DATA_MAX_AGE),
        (None, None) => (stamp, DATA_MAX_AGE),
    };

    let status = res.status();
    let mut res = if !is_read || !status.is_success() {
        let mut res = res;
        if is_data {
            res.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
        res
    } else if !is_data {
        res
    } else {
        // Hash the exact bytes; streamed bodies fall back to the dataset stamp.
        let (head, body) = res.into_parts();
        let (etag, body) = match body.try_into_bytes() {
            Ok(bytes) => (Some(etag_of(&bytes)), BoxBody::new(bytes)),
            Err(body) => {
                let etag = stamp.as_ref().map(|s| {
                    let key = format!(
                        "{}|{}|{}|{}",
                        s.version,
                        s.changed_at.timestamp_micros(),
                        req.path(),
                        req.query_string()
                    );
                    etag_of(key.as_bytes())
                });
                (etag, body)
            }
        };
        let mut res = head.set_body(body);
        let headers = res.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(max_age));
        // Accept-Encoding here, not only from Compress: CORS rewrites Vary from its first value.
        // Durand-Dataset-Version: a shared cache must not answer a read-your-writes request
        // with a response it keeps from before the write.
        headers.append(
            header::VARY,
            HeaderValue::from_static("Accept, Accept-Encoding, Origin, Durand-Dataset-Version"),
        );
        if let Some(v) = etag.as_deref().and_then(|e| HeaderValue::from_str(e).ok()) {
            headers.insert(header::ETAG, v);
        }
        if let Some(v) = stamp
            .as_ref()
            .and_then(|s| HeaderValue::from_str(&http_date(s.changed_at)).ok())
        {
            headers.insert(header::LAST_MODIFIED, v);
        }
        let not_modified = etag
            .as_deref()
            .is_some_and(|e| if_none_match && none_match(&req, e))
            || stamp
                .as_ref()
                .is_some_and(|s| not_modified_since(&req, s.changed_at));
        if not_modified {
            let mut nm = HttpResponse::new(StatusCode::NOT_MODIFIED);
            for name in [
                header::ETAG,
                header::LAST_MODIFIED,
                header::CACHE_CONTROL,
                header::VARY,
                header::LINK,
            ] {
                for v in res.headers().get_all(&name) {
                    nm.headers_mut().append(name.clone(), v.clone());
                }
            }
            return Ok(ServiceResponse::new(req, with_version(nm, stamp.as_ref())));
        }
        return Ok(ServiceResponse::new(req, with_version(res, stamp.as_ref())));
    };
    if is_data {
        res = with_version(res, stamp.as_ref());
    }
    Ok(ServiceResponse::new(req, res))
}

fn with_version(mut res: HttpResponse, stamp: Option<&Stamp>) -> HttpResponse {
    if let Some(v) = stamp.and_then(|s| HeaderValue::from_str(&s.version.to_string()).ok()) {
        res.headers_mut().insert(DATASET_VERSION, v);
    }
    res
}
