//! Version 1 of the API, mounted under `/v1`: open reads, and editors' writes with a key.
//! Frozen once published: additions only.

pub mod actors;
pub mod as_of;
pub mod body;
pub mod claims;
pub mod csv;
pub mod dataset;
pub mod download;
pub mod force_figures;
pub mod format;
pub mod geojson;
pub mod history;
pub mod incidents;
pub mod listing;
pub mod pagination;
pub mod params;
pub mod record;
pub mod responses;
pub mod search;
pub mod sources;
pub mod tagged;
pub mod timeline;
pub mod writes;

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
        .service(dataset::get_openapi)
        .service(force_figures::get_force_figure)
        .service(writes::create_source)
        .service(writes::patch_source)
        .service(writes::delete_source)
        .service(writes::create_actor)
        .service(writes::patch_actor)
        .service(writes::delete_actor)
        .service(writes::create_incident)
        .service(writes::patch_incident)
        .service(writes::delete_incident)
        .service(writes::create_claim)
        .service(writes::patch_claim)
        .service(writes::delete_claim)
        .service(writes::create_force_figure)
        .service(writes::patch_force_figure)
        .service(writes::delete_force_figure)
        .service(history::list_changes)
        // Last: its `{resource}` segment must not shadow a route with a fixed one.
        .service(history::list_revisions);
}
