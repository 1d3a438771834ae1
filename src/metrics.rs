//! Prometheus metrics: requests by route template and status, latency, pool use, dataset.
//!
//! Every label has a bounded set of values: routes are matched templates (never raw paths),
//! methods outside the standard set are folded into `OTHER`, and the dataset version series
//! is replaced, not added to, on each scrape.

use std::sync::Mutex;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};
use prometheus::core::Collector;
use prometheus::{
    HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
    TextEncoder,
};
use sqlx::PgPool;

use crate::error::ApiError;
use crate::replicas::DatasetStamp;
use crate::telemetry::route_pattern;

/// The content type of the Prometheus text exposition format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The `route` label of requests that matched no route (unknown paths): keeps raw paths,
/// which clients choose freely, out of the label set.
pub const UNMATCHED: &str = "unmatched";

/// Latency buckets in seconds, from 0.5 ms (cached reads) to 5 s (an export under load).
const DURATION_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

/// The metric registry shared by every worker, with handles to each series.
///
/// It owns its own [`Registry`] (not the process-global one) so that several servers in
/// one process, as in the tests, keep separate counts.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    durations: HistogramVec,
    pool_connections: IntGaugeVec,
    dataset_info: IntGaugeVec,
    /// Readiness checks that reached the database (`/readyz` answers from a cache between).
    pub readiness_checks: IntCounter,
    /// Reads answered from the response cache (`hit`), built and kept (`miss`).
    response_cache: IntCounterVec,
    /// 1 while the version listener is listening (the response cache is used), else 0.
    listener_up: IntGauge,
    /// Bytes the response cache holds.
    response_cache_bytes: IntGauge,
    /// 1 while the database circuit is open (PostgreSQL known unreachable), else 0.
    pub circuit_open: IntGauge,
    /// Serialises the reset-and-set of per-scrape gauges with the gathering that follows, so
    /// concurrent scrapes never see a half-updated `durand_dataset_info`.
    scrape: Mutex<()>,
}

/// Registers a new series with `registry` and hands it back (the names and help texts are
/// constants, so a failure here is a programming error).
fn registered<C: Collector + Clone + 'static>(
    registry: &Registry,
    series: prometheus::Result<C>,
) -> C {
    let series = series.expect("valid metric");
    registry
        .register(Box::new(series.clone()))
        .expect("unique metric names");
    series
}

/// A registered gauge with no labels.
fn gauge(registry: &Registry, name: &str, help: &str) -> IntGauge {
    registered(registry, IntGauge::new(name, help))
}

/// A registered gauge with `labels`.
fn gauge_vec(registry: &Registry, name: &str, help: &str, labels: &[&str]) -> IntGaugeVec {
    registered(registry, IntGaugeVec::new(Opts::new(name, help), labels))
}

/// A registered counter with `labels`.
fn counter_vec(registry: &Registry, name: &str, help: &str, labels: &[&str]) -> IntCounterVec {
    registered(registry, IntCounterVec::new(Opts::new(name, help), labels))
}

impl Metrics {
    /// A fresh registry with every series registered.
    pub fn new() -> Self {
        let registry = Registry::new();
        let requests = counter_vec(
            &registry,
            "durand_http_requests_total",
            "HTTP requests answered, by method, route template and status code.",
            &["method", "route", "status"],
        );
        let durations = registered(
            &registry,
            HistogramVec::new(
                HistogramOpts::new(
                    "durand_http_request_duration_seconds",
                    "Time to produce a response (headers), by method and route template.",
                )
                .buckets(DURATION_BUCKETS.to_vec()),
                &["method", "route"],
            ),
        );
        let pool_connections = gauge_vec(
            &registry,
            "durand_db_pool_connections",
            "PostgreSQL pool connections by state, read at scrape time.",
            &["state"],
        );
        let dataset_info = gauge_vec(
            &registry,
            "durand_dataset_info",
            "Always 1; `version` is the loaded dataset's version (absent when none is loaded).",
            &["version"],
        );
        gauge_vec(
            &registry,
            "durand_build_info",
            "Always 1; `version` is the server's crate version.",
            &["version"],
        )
        .with_label_values(&[env!("CARGO_PKG_VERSION")])
        .set(1);
        let readiness_checks = registered(
            &registry,
            IntCounter::new(
                "durand_readiness_checks_total",
                "Readiness checks that pinged the database (/readyz caches the answer for a second).",
            ),
        );
        let circuit_open = gauge(
            &registry,
            "durand_database_circuit_open",
            "1 while PostgreSQL is known to be unreachable and requests that need it are answered 503 at once; else 0.",
        );
        let response_cache = counter_vec(
            &registry,
            "durand_response_cache_total",
            "Reads of /v1/ and of the pages looked up in the response cache, by outcome: hit (answered from memory) or miss (built, then kept if it could be). Reads that bypass the cache are not counted.",
            &["outcome"],
        );
        let listener_up = gauge(
            &registry,
            "durand_version_listener_up",
            "1 while this process listens for new dataset versions and answers unchanged reads from its response cache; 0 while the listener reconnects (the cache is bypassed).",
        );
        let response_cache_bytes = gauge(
            &registry,
            "durand_response_cache_bytes",
            "Bytes of responses the response cache holds (bounded by DURAND_CACHE_BYTES).",
        );
        Self {
            registry,
            requests,
            durations,
            pool_connections,
            dataset_info,
            readiness_checks,
            response_cache,
            listener_up,
            response_cache_bytes,
            circuit_open,
            scrape: Mutex::new(()),
        }
    }

    /// Counts one lookup in the response cache (`hit` or `miss`).
    pub fn response_cache(&self, outcome: &'static str) {
        self.response_cache.with_label_values(&[outcome]).inc();
    }

    /// Counts one answered request and its latency.
    pub fn observe(&self, method: &Method, route: Option<&str>, status: u16, seconds: f64) {
        let method = method_label(method);
        let route = route.unwrap_or(UNMATCHED);
        self.requests
            .with_label_values(&[method, route, &status.to_string()])
            .inc();
        self.durations
            .with_label_values(&[method, route])
            .observe(seconds);
    }

    /// Sets the scrape-time gauges and renders every series in the text format.
    fn render(&self, pool: &PgPool, dataset_version: Option<&str>) -> prometheus::Result<String> {
        // A poisoned lock only means another scrape panicked; the guard protects no data.
        let _guard = self
            .scrape
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let total = i64::from(pool.size());
        let idle = i64::try_from(pool.num_idle()).unwrap_or(i64::MAX);
        self.pool_connections
            .with_label_values(&["in_use"])
            .set(total.saturating_sub(idle).max(0));
        self.pool_connections.with_label_values(&["idle"]).set(idle);
        self.dataset_info.reset();
        if let Some(version) = dataset_version {
            self.dataset_info.with_label_values(&[version]).set(1);
        }
        TextEncoder::new().encode_to_string(&self.registry.gather())
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

/// The `method` label: standard methods by name, anything else as `OTHER`, since clients
/// may send arbitrary extension methods.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        Method::CONNECT => "CONNECT",
        Method::TRACE => "TRACE",
        _ => "OTHER",
    }
}

/// Middleware: records each request's method, route template, status and latency.
///
/// It wraps the rate limiter, so 429s are counted too. Latency runs until the response
/// head is ready; streaming the body is not included.
pub async fn track(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let method = req.method().clone();
    // No clone of the request is held across the call: an inner middleware may need it
    // unshared (`headers_mut`). A middleware's own error (no request comes back with it;
    // handlers' errors are responses) is counted as unmatched.
    let result = next.call(req).await;
    if let Some(metrics) = metrics {
        let seconds = started.elapsed().as_secs_f64();
        match &result {
            Ok(res) => {
                let pattern = route_pattern(res.request());
                metrics.observe(&method, pattern.as_deref(), res.status().as_u16(), seconds);
            }
            Err(e) => {
                let status = e.as_response_error().status_code().as_u16();
                metrics.observe(&method, None, status, seconds);
            }
        }
    }
    result
}

/// What a scrape reads of the response cache, which counts its lookups here and so sits
/// above this module.
pub trait CacheSize {
    /// The bytes the cache holds now.
    fn weighted_size(&self) -> u64;
}

/// `GET /metrics`: the Prometheus text exposition of every series.
///
/// Pool gauges are read now; the dataset version comes from the same short-lived stamp
/// cache the caching middleware uses. When the database cannot be read,
/// `durand_dataset_info` is left out and the rest is still served.
pub async fn metrics_endpoint<C: CacheSize + 'static>(
    metrics: web::Data<Metrics>,
    pool: web::Data<PgPool>,
    stamps: web::Data<DatasetStamp>,
    cache: web::Data<C>,
) -> Result<HttpResponse, ApiError> {
    let version = stamps.get(&pool).await.map(|s| s.version.to_string());
    metrics.listener_up.set(i64::from(stamps.is_listening()));
    metrics
        .response_cache_bytes
        .set(i64::try_from(cache.weighted_size()).unwrap_or(i64::MAX));
    let body = metrics
        .render(&pool, version.as_deref())
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok(HttpResponse::Ok().content_type(CONTENT_TYPE).body(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_methods_share_one_label() {
        let odd = Method::from_bytes(b"BREW").expect("extension method");
        assert_eq!(method_label(&odd), "OTHER");
        assert_eq!(method_label(&Method::GET), "GET");
    }

    #[test]
    fn requests_without_a_route_are_unmatched() {
        let metrics = Metrics::new();
        metrics.observe(&Method::GET, None, 404, 0.001);
        metrics.observe(&Method::GET, Some("/v1/claims/{id}"), 200, 0.001);
        let text = TextEncoder::new()
            .encode_to_string(&metrics.registry.gather())
            .expect("encode");
        assert!(
            text.contains(r#"route="unmatched",status="404"} 1"#),
            "{text}"
        );
        assert!(
            text.contains(r#"route="/v1/claims/{id}",status="200"} 1"#),
            "{text}"
        );
        assert!(text.contains(r#"durand_build_info{version=""#), "{text}");
    }
}
