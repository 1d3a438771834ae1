//! Version 1 of the read API, mounted under `/v1`. Frozen once published: additions only.

pub mod actors;
pub mod as_of;
pub mod claims;
pub mod csv;
pub mod dataset;
pub mod force_figures;
pub mod format;
pub mod geojson;
pub mod incidents;
pub mod pagination;
pub mod params;
pub mod search;
pub mod sources;
pub mod timeline;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every v1 route (their specs are collected by utoipa-actix-web).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(actors::list_actors)
        .service(actors::get_actor)
        .service(actors::list_actor_claims)
        .service(actors::list_actor_incidents)
        .service(actors::list_actor_force_figures)
        .service(sources::list_sources)
        .service(sources::get_source)
        .service(claims::list_claims)
        .service(claims::get_claim)
        .service(incidents::list_incidents)
        .service(incidents::get_incident)
        .service(force_figures::list_force_figures)
        .service(force_figures::force_comparison)
        .service(timeline::list_timeline)
        .service(search::search)
        .service(dataset::get_dataset)
        .service(dataset::export)
        .service(dataset::get_openapi);
}
