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

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use std::convert::Infallible;
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

use actix_web::http::header::{
    self, EntityTag, HeaderName, HeaderValue, HttpDate, LastModified, TryIntoHeaderValue,
};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse, web};

use crate::replicas::{self, DATASET_VERSION, ReadRouter};
use crate::store::dataset::Stamp;

/// How long data responses may be cached by clients and shared caches.
const DATA_MAX_AGE: &str = "public, max-age=60, stale-while-revalidate=60";

/// How long an `as_of` response may be cached: for good, since a past version never changes.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The stamp of the past version a response was built from (`as_of`), put in the request's
/// extensions by the handler's data source; the headers then describe that version, not the
/// current one.
#[derive(Debug, Clone)]
pub struct AsOfStamp(pub Stamp);

/// The stamp of the pool chosen for a read by the response cache (which routes before it
/// looks itself up), so that this middleware does not choose again.
#[derive(Debug, Clone)]
pub struct RoutedStamp(pub Option<Stamp>);

/// Marks a response the caching middleware found fit to keep: a successful read of current
/// or past data with a complete body of `len` bytes (before compression).
#[derive(Debug, Clone, Copy)]
pub struct Cacheable {
    pub len: usize,
}

/// Tells [`conditional`] to answer in full whatever the request's conditions: the
/// response cache keeps the full response and answers the conditions itself.
#[derive(Debug, Clone, Copy)]
pub struct Unconditional;

/// The stamp of the current data a handler read when it had to read another pool than the
/// one chosen before it ran (the replica lagged behind what the request asked for); the
/// headers then describe what it read.
#[derive(Debug, Clone)]
pub struct ReadStamp(pub Stamp);

/// Whether `path` is one of the pages for people or their embeds (`/`, a record's page such as
/// `/claims/{id}`, `/embed/...`): read
/// from the data, cached and validated like the API's reads, and varying by language too.
pub fn is_page(path: &str) -> bool {
    path == "/"
        || ["/embed/", "/actors/", "/claims/", "/incidents/"]
            .iter()
            .any(|prefix| path.starts_with(prefix))
}

/// Whether `path` serves the dataset's data: the API's reads (`/v1/...`) and the pages.
pub fn serves_data(path: &str) -> bool {
    path.starts_with("/v1/") || is_page(path)
}

/// The strong ETag of a representation: a hash of its exact bytes. Writes use it to check
/// `If-Match` against the representation a GET serves.
pub fn etag_of(bytes: &[u8]) -> String {
    format!("\"{:032x}\"", xxhash_rust::xxh3::xxh3_128(bytes))
}

/// One member of an `If-None-Match` or `If-Match` list: `*`, an entity tag, or anything else
/// (which names no representation, but is not nothing: an `If-Match` of it is a 412, not a 428).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    Any,
    Tag(EntityTag),
    Malformed,
}

impl FromStr for Condition {
    type Err = Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim() {
            "*" => Self::Any,
            tag => tag.parse().map_or(Self::Malformed, Self::Tag),
        })
    }
}

/// The members of one field line of `If-None-Match` or `If-Match` (`None` for a line that is
/// not text), read by actix's list parser. Not its typed `IfNoneMatch` and `IfMatch`: those
/// take `*` only alone on the first line, drop malformed members, and refuse every line when
/// one is not text, where these headers have always been read member by member.
pub fn conditions(line: &HeaderValue) -> Option<Vec<Condition>> {
    header::from_comma_delimited(std::iter::once(line)).ok()
}

/// Whether a conditional read (its `request` headers) is answered 304 by a response with
/// these `headers`: its `ETag` (of the coding it is sent in, see [`crate::encoding`])
/// matches `If-None-Match` (weak comparison, as RFC 9110 asks for this header; its first
/// line), or, when no `If-None-Match` is sent, its `Last-Modified` is no later than
/// `If-Modified-Since`.
pub fn not_modified(request: &header::HeaderMap, headers: &header::HeaderMap) -> bool {
    if let Some(candidates) = request.get(header::IF_NONE_MATCH).and_then(conditions) {
        let Some(etag) = text(headers, &header::ETAG).and_then(|v| v.parse::<EntityTag>().ok())
        else {
            return false;
        };
        return candidates.iter().any(|candidate| match candidate {
            Condition::Any => true,
            Condition::Tag(tag) => tag.weak_eq(&etag),
            Condition::Malformed => false,
        });
    }
    // Read as RFC 2822 (not as actix's `IfModifiedSince`, an HTTP-date): that parser takes
    // the obsolete RFC 850 and asctime forms and refuses numeric zones, which this one has
    // always done the other way round.
    let since = text(request, &header::IF_MODIFIED_SINCE)
        .and_then(|v| chrono::DateTime::parse_from_rfc2822(v).ok());
    let modified = text(headers, &header::LAST_MODIFIED)
        .and_then(|v| v.parse::<HttpDate>().ok())
        .and_then(|d| SystemTime::from(d).duration_since(UNIX_EPOCH).ok())
        .and_then(|d| i64::try_from(d.as_secs()).ok());
    match (since, modified) {
        (Some(since), Some(modified)) => modified <= since.timestamp(),
        _ => false,
    }
}

/// A header's value as text, if it has one that is.
fn text<'a>(map: &'a header::HeaderMap, name: &HeaderName) -> Option<&'a str> {
    map.get(name).and_then(|v| v.to_str().ok())
}

/// The 304 for a response with these headers: its validators and caching headers, no body.
pub fn not_modified_response(headers: &header::HeaderMap) -> HttpResponse {
    let mut nm = HttpResponse::new(StatusCode::NOT_MODIFIED);
    *nm.headers_mut() = not_modified_headers(headers);
    nm
}

/// The headers a 304 repeats from the full response.
pub fn not_modified_headers(headers: &header::HeaderMap) -> header::HeaderMap {
    let mut kept = header::HeaderMap::new();
    for name in [
        header::ETAG,
        header::LAST_MODIFIED,
        header::CACHE_CONTROL,
        header::VARY,
        header::LINK,
        DATASET_VERSION,
    ] {
        for v in headers.get_all(&name) {
            kept.append(name.clone(), v.clone());
        }
    }
    kept
}

/// `Last-Modified` for a change at `t`; `None` outside the years an HTTP-date can say
/// (1970 to 9999), which no stamp is.
fn last_modified(t: chrono::DateTime<chrono::Utc>) -> Option<HeaderValue> {
    if !(0..253_402_300_800).contains(&t.timestamp()) {
        return None;
    }
    LastModified(SystemTime::from(t).into())
        .try_into_value()
        .ok()
}

/// Middleware: adds validators and cache headers to successful reads.
pub async fn http_cache(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let is_read = matches!(*req.method(), Method::GET | Method::HEAD);
    let is_data = serves_data(req.path());
    // Choose the pool the read's data comes from before the handler runs, and take the
    // stamp from that same pool, so the headers never name a version the body lacks.
    let routed = req.extensions().get::<RoutedStamp>().cloned();
    let stamp = match (is_read && is_data, req.app_data::<web::Data<ReadRouter>>()) {
        (true, _) if routed.is_some() => routed.and_then(|r| r.0),
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
    let res = next.call(req).await?.map_into_boxed_body();
    let (req, res) = res.into_parts();
    let as_of = req.extensions().get::<AsOfStamp>().map(|s| s.0.clone());
    let read = req.extensions().get::<ReadStamp>().map(|s| s.0.clone());
    // A read of another pool than the one routed to is not filed under the routed version.
    let cacheable = read.is_none();
    let (stamp, max_age) = match (as_of, read) {
        // A page of a past version is drawn by code that may change: not immutable.
        (Some(past), _) if is_page(req.path()) => (Some(past), DATA_MAX_AGE),
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
        let mut len = None;
        let (etag, body) = match body.try_into_bytes() {
            Ok(bytes) => {
                len = Some(bytes.len());
                (Some(etag_of(&bytes)), BoxBody::new(bytes))
            }
            Err(body) => {
                // The media type too: `Accept` picks CSV or GeoJSON for the same URL.
                let media_type = head
                    .headers()
                    .get(header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default();
                let etag = stamp.as_ref().map(|s| {
                    let key = format!(
                        "{}|{}|{}|{}|{}",
                        s.version,
                        s.changed_at.timestamp_micros(),
                        req.path(),
                        req.query_string(),
                        media_type
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
        // Pages write numbers and dates for the reader's language.
        let vary = if is_page(req.path()) {
            "Accept, Accept-Encoding, Origin, Durand-Dataset-Version, Accept-Language"
        } else {
            "Accept, Accept-Encoding, Origin, Durand-Dataset-Version"
        };
        headers.append(header::VARY, HeaderValue::from_static(vary));
        if let Some(v) = etag.as_deref().and_then(|e| HeaderValue::from_str(e).ok()) {
            headers.insert(header::ETAG, v);
        }
        if let Some(v) = stamp.as_ref().and_then(|s| last_modified(s.changed_at)) {
            headers.insert(header::LAST_MODIFIED, v);
        }
        // Conditions are answered by [`conditional`], once compression has chosen the ETag.
        let mut res = with_version(res, stamp.as_ref());
        if let Some(len) = len.filter(|_| cacheable && status == StatusCode::OK) {
            res.extensions_mut().insert(Cacheable { len });
        }
        return Ok(ServiceResponse::new(req, res));
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

/// Middleware, outside compression: gives a compressed response its own ETag (the identity
/// one with the coding appended: `"…-br"`, `"…-gzip"`), then answers a conditional read that
/// names it in `If-None-Match` (or whose `If-Modified-Since` is not older than the data) with
/// a 304 for that coding. The body built for it is dropped before anything compresses it.
pub async fn conditional(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let mut res = next.call(req).await?;
    crate::encoding::tag_coding(res.headers_mut());
    let request = res.request();
    let conditional_read = matches!(*request.method(), Method::GET | Method::HEAD)
        && serves_data(request.path())
        && res.status().is_success()
        && request.extensions().get::<Unconditional>().is_none();
    if conditional_read && not_modified(request.headers(), res.headers()) {
        let (req, res) = res.into_parts();
        return Ok(ServiceResponse::new(
            req,
            not_modified_response(res.headers()),
        ));
    }
    Ok(res.map_into_boxed_body())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn headers(pairs: &[(HeaderName, &str)]) -> header::HeaderMap {
        let mut map = header::HeaderMap::new();
        for (name, value) in pairs {
            map.append(name.clone(), HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn if_none_match_is_read_member_by_member_from_its_first_line() {
        let response = headers(&[(header::ETAG, "\"abc-br\"")]);
        let matches = |lines: &[&str]| {
            let lines: Vec<_> = lines.iter().map(|l| (header::IF_NONE_MATCH, *l)).collect();
            not_modified(&headers(&lines), &response)
        };
        assert!(matches(&["\"x\", W/\"abc-br\""]));
        assert!(matches(&["\"x\", *"]));
        assert!(matches(&["*"]));
        assert!(!matches(&["abc-br"]));
        assert!(!matches(&["\"abc\""]));
        assert!(!matches(&["\"x\"", "\"abc-br\""]));
    }

    #[test]
    fn last_modified_is_an_imf_fixdate_and_if_modified_since_rfc_2822() {
        let t = chrono::Utc
            .with_ymd_and_hms(1994, 11, 6, 8, 49, 37)
            .unwrap();
        let value = last_modified(t).unwrap();
        assert_eq!(value, "Sun, 06 Nov 1994 08:49:37 GMT");
        let response = headers(&[(header::LAST_MODIFIED, value.to_str().unwrap())]);
        let since = |date| headers(&[(header::IF_MODIFIED_SINCE, date)]);
        assert!(not_modified(
            &since("Sun, 06 Nov 1994 08:49:37 GMT"),
            &response
        ));
        assert!(not_modified(
            &since("Sun, 06 Nov 1994 09:49:37 +0100"),
            &response
        ));
        assert!(!not_modified(
            &since("Sun, 06 Nov 1994 08:49:36 GMT"),
            &response
        ));
        assert!(!not_modified(
            &since("Sunday, 06-Nov-94 08:49:37 GMT"),
            &response
        ));
    }
}
