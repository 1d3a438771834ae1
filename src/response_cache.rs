//! The response cache: finished reads kept in memory, keyed by dataset version.
//!
//! A read of `/v1/` is a pure function of the dataset version and the request: its path,
//! its query (in any order), the `Accept` it negotiates and the encoding it is compressed
//! with. So a response, once built, compressed and given its ETag, is kept under that key
//! (a bytes-bounded [`moka`] cache, `DURAND_CACHE_BYTES`), and the next identical read, or
//! a conditional one answered 304, costs no database round trip, no serialisation and no
//! hashing. A new version changes every key, so older entries are never reached again and
//! age out. The key's version comes from [`ReadRouter::route`], and is only given while the
//! version is known to be current (the version listener is up): otherwise, and while the
//! database circuit is open, the cache is bypassed. Headers that belong to one request
//! (request id, rate limits, CORS) are added by the middleware outside this one.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::{HttpMessage, HttpResponse, web};

use crate::caching::{self, Cacheable, RoutedStamp, Unconditional};
use crate::circuit::Circuit;
use crate::error::ApiError;
use crate::locale::Locale;
use crate::metrics::{CacheSize, Metrics};
use crate::replicas::{self, ReadRouter, Route};
use crate::telemetry::{RoutePattern, route_pattern};

/// Longest `Accept` or query string a key is made of; longer requests bypass the cache.
const MAX_KEY_PART: usize = 1024;

/// What a response is kept under.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    version: i64,
    path: String,
    /// The query's pairs sorted by name (a name's repeated values keep their order).
    query: String,
    accept: Option<HeaderValue>,
    /// The locale a page is written for, as negotiated from `Accept-Language` (so that
    /// headers naming the same locale share an entry); `None` for the API's reads.
    language: Option<String>,
    encoding: &'static str,
}

/// A finished response: its status, headers and body (already compressed).
#[derive(Debug)]
struct Entry {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    /// The route template, so a hit spares the span and metrics a match of every route.
    route: Option<std::sync::Arc<str>>,
    /// The headers of the 304 that answers a matching condition.
    not_modified: HeaderMap,
}

/// The cache, shared by every worker.
pub struct ResponseCache {
    entries: moka::sync::Cache<Key, std::sync::Arc<Entry>>,
    max_entry: usize,
}

impl ResponseCache {
    /// A cache keeping at most `bytes` bytes of responses (0 turns it off); one response may
    /// take at most an eighth of that.
    pub fn new(bytes: u64) -> Self {
        let entries = moka::sync::Cache::builder()
            .max_capacity(bytes)
            .weigher(|key: &Key, entry: &std::sync::Arc<Entry>| {
                let headers: usize = entry
                    .headers
                    .iter()
                    .chain(entry.not_modified.iter())
                    .map(|(n, v)| n.as_str().len() + v.len() + 32)
                    .sum();
                let key_size = key.path.len()
                    + key.query.len()
                    + key.accept.as_ref().map_or(0, HeaderValue::len)
                    + key.language.as_ref().map_or(0, String::len);
                let size = entry.body.len() + headers + key_size + 128;
                u32::try_from(size).unwrap_or(u32::MAX)
            })
            .build();
        Self {
            entries,
            max_entry: usize::try_from(bytes / 8).unwrap_or(usize::MAX),
        }
    }

    /// Whether the cache keeps anything at all.
    fn enabled(&self) -> bool {
        self.max_entry > 0
    }
}

impl CacheSize for ResponseCache {
    /// The bytes the cache holds now, once moka has settled its pending work.
    fn weighted_size(&self) -> u64 {
        self.entries.run_pending_tasks();
        self.entries.weighted_size()
    }
}

/// Middleware: answers a read from the cache when it can, and keeps what it could not.
pub async fn serve(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let (Some(cache), Some((route, key))) = (
        req.app_data::<web::Data<ResponseCache>>().cloned(),
        lookup(&req).await,
    ) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let count = |outcome| {
        if let Some(m) = &metrics {
            m.response_cache(outcome);
        }
    };
    if let Some(entry) = key.as_ref().and_then(|key| cache.entries.get(key)) {
        count("hit");
        req.extensions_mut()
            .insert(RoutePattern(entry.route.clone()));
        let res = respond(req.headers(), &entry);
        return Ok(req.into_response(res));
    }
    // Not answered from memory: the caching middleware reads from the pool chosen here.
    req.extensions_mut().insert(route.from);
    req.extensions_mut().insert(RoutedStamp(route.stamp));
    let Some(key) = key else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    count("miss");
    // The entry is built from the full response (the caching middleware is told to ignore
    // the request's conditions); they are checked against it below.
    req.extensions_mut().insert(Unconditional);
    let res = next.call(req).await?;
    let keep = res
        .response()
        .extensions()
        .get::<Cacheable>()
        .is_some_and(|c| c.len <= cache.max_entry)
        && res.status() == StatusCode::OK;
    let (req, res) = res.into_parts();
    if !keep {
        // Not kept (a streamed export, a body too large): answer its conditions from it.
        if res.status().is_success() && caching::not_modified(req.headers(), res.headers()) {
            let res = caching::not_modified_response(res.headers());
            return Ok(ServiceResponse::new(req, res));
        }
        return Ok(ServiceResponse::new(req, res.map_into_boxed_body()));
    }
    let (head, body) = res.into_parts();
    let body = actix_web::body::to_bytes(body.boxed())
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("reading a response to cache: {e}")))?;
    let entry = std::sync::Arc::new(Entry {
        status: head.status(),
        headers: head.headers().clone(),
        not_modified: caching::not_modified_headers(head.headers()),
        body,
        route: route_pattern(&req),
    });
    cache.entries.insert(key, entry.clone());
    let res = respond(req.headers(), &entry);
    Ok(ServiceResponse::new(req, res))
}

/// The pool a read's data comes from, and the key it is cached under (`None` when it must not
/// be answered from the cache); `None` for a request the cache does not handle at all.
async fn lookup(req: &ServiceRequest) -> Option<(Route, Option<Key>)> {
    let cacheable = req.method() == Method::GET
        && caching::serves_data(req.path())
        && req.app_data::<web::Data<ResponseCache>>()?.enabled()
        && !req
            .app_data::<web::Data<Circuit>>()
            .is_some_and(|c| c.is_open());
    if !cacheable {
        return None;
    }
    let router = req.app_data::<web::Data<ReadRouter>>()?;
    // A malformed version header is the caching middleware's 400 to give.
    let min_version = replicas::min_version(req.headers()).ok()?;
    let route = router.route(min_version).await;
    let key = key(req, route.cache_version);
    Some((route, key))
}

/// The key of a read of `version` (if the version is known to be current).
fn key(req: &ServiceRequest, version: Option<i64>) -> Option<Key> {
    let version = version?;
    // The coding compression will choose: each is kept apart (a request ruling them all out
    // is answered 406 before it gets here).
    let encoding = crate::encoding::negotiate(req)?.as_str();
    let accept = req.headers().get(header::ACCEPT).cloned();
    let language = caching::is_page(req.path()).then(|| Locale::negotiate(req).tag().to_owned());
    let query = req.query_string();
    if query.len() > MAX_KEY_PART || accept.as_ref().is_some_and(|a| a.len() > MAX_KEY_PART) {
        return None;
    }
    Some(Key {
        version,
        path: req.path().to_owned(),
        query: normalise(query),
        accept,
        language,
        encoding,
    })
}

/// The query's pairs, sorted by name; the order of a name's repeated values is kept.
fn normalise(query: &str) -> String {
    let mut pairs: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
    pairs.sort_by_key(|p| p.split('=').next().unwrap_or(""));
    pairs.join("&")
}

/// The kept response, or a 304 when the request's conditions match it.
fn respond(conditions: &HeaderMap, entry: &Entry) -> HttpResponse {
    if caching::not_modified(conditions, &entry.headers) {
        let mut res = HttpResponse::new(StatusCode::NOT_MODIFIED);
        *res.headers_mut() = entry.not_modified.clone();
        return res;
    }
    let mut res = HttpResponse::with_body(entry.status, BoxBody::new(entry.body.clone()));
    *res.headers_mut() = entry.headers.clone();
    res
}

#[cfg(test)]
mod tests {
    use super::normalise;

    #[test]
    fn queries_in_any_order_share_one_key() {
        assert_eq!(
            normalise("sort=date&limit=5"),
            normalise("limit=5&sort=date")
        );
        assert_eq!(normalise("a=1&&b=2&"), "a=1&b=2");
    }

    #[test]
    fn repeated_names_keep_their_order() {
        assert_eq!(normalise("b=2&a=x&a=y"), "a=x&a=y&b=2");
        assert_ne!(normalise("a=x&a=y"), normalise("a=y&a=x"));
    }
}
