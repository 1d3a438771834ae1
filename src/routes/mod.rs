//! HTTP handlers: `v1` for the data API, plus health checks and the fallback for unknown
//! paths. Handlers hold no SQL; they call `store`.

pub mod fallback;
pub mod health;
pub mod pages;
pub mod v1;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every documented route: `/v1/...` plus the health checks.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(utoipa_actix_web::scope("/v1").configure(v1::configure))
        .service(health::healthz)
        .service(health::readyz);
}

/// The served spec (`/v1/openapi.json`), rendered once at start-up by [`crate::openapi`].
#[derive(Clone)]
pub struct SpecJson(pub String);
