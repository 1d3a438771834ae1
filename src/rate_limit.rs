//! Per-client rate limiting of anonymous reads, with IETF `RateLimit-*` headers.
//! (Stub: being filled in.)

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

use crate::config::RateLimitSettings;

/// The shared limiter: one bucket per client address.
pub struct Limiter {}

impl Limiter {
    /// A limiter with the configured rate, burst and trusted proxies.
    pub fn new(_settings: &RateLimitSettings) -> Self {
        Self {}
    }
}

/// Middleware: 429 problem with `Retry-After` when a client is over its limit.
pub async fn enforce(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    next.call(req).await
}
