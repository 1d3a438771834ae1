//! Prometheus metrics: requests by route template and status, latency, pool use, dataset.
//! (Stub: being filled in.)

use actix_web::HttpResponse;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

/// The metric registry shared by every worker.
pub struct Metrics {}

impl Metrics {
    /// A fresh registry with every series registered.
    pub fn new() -> Self {
        Self {}
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

/// Middleware: records each request's route template, status and latency.
pub async fn track(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    next.call(req).await
}

/// `GET /metrics`: the Prometheus text exposition.
pub async fn metrics_endpoint() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body("")
}
