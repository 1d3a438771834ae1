//! Logging: one `tracing` subscriber, and a span per request carrying its request id.

use std::time::Instant;

use actix_web::HttpMessage;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use tracing::Instrument;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::FmtSpan;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Pretty,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Installs the global subscriber. `filter` uses `RUST_LOG` syntax; with `spans`, each span
/// is logged as it closes, with its busy and idle time. The writer is a parameter so that
/// tests can send logs to a sink; calling this twice is harmless.
pub fn init<W>(filter: &str, format: LogFormat, spans: bool, writer: W)
where
    W: for<'a> tracing_subscriber::fmt::MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let events = if spans { FmtSpan::CLOSE } else { FmtSpan::NONE };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_span_events(events)
        .with_writer(writer);
    let _ = match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init(),
        LogFormat::Pretty => builder.try_init(),
    };
}

/// The request id header, echoed on every response.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Takes the client's `X-Request-Id` when it is sane (1–128 visible ASCII characters), so a
/// caller's id follows the request through our logs; else makes a new UUID.
fn request_id(req: &ServiceRequest) -> String {
    req.headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic()))
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned)
}

/// The route template a request matched (`/v1/claims/{id}`), found once per request and
/// kept in its extensions: matching runs every route's pattern, so the span, the metrics
/// and the response cache (which files it with the response it keeps) share one lookup.
#[derive(Debug, Clone)]
pub struct RoutePattern(pub Option<std::sync::Arc<str>>);

/// The request's [`RoutePattern`], matched now if nobody has yet.
pub fn route_pattern(req: &actix_web::HttpRequest) -> Option<std::sync::Arc<str>> {
    if let Some(known) = req.extensions().get::<RoutePattern>() {
        return known.0.clone();
    }
    let pattern: Option<std::sync::Arc<str>> = req.match_pattern().map(Into::into);
    req.extensions_mut().insert(RoutePattern(pattern.clone()));
    pattern
}

/// Middleware: one span per request with its id, method, route and path; logs the outcome
/// and echoes `X-Request-Id`.
pub async fn request_span(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = request_id(&req);
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %req.method(),
        path = %req.path(),
        route = tracing::field::Empty,
        status = tracing::field::Empty,
        // The name of the API key on a keyed request (never the token).
        key = tracing::field::Empty,
    );
    let started = Instant::now();
    let mut response = next.call(req).instrument(span.clone()).await?;
    let status = response.status().as_u16();
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    if !span.is_disabled() {
        let route = route_pattern(response.request());
        span.record("route", route.as_deref().unwrap_or("-"));
        span.record("status", status);
        span.in_scope(|| tracing::info!(latency_ms, "served"));
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    Ok(response)
}
