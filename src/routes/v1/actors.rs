//! `/v1/actors` and each actor's claims, incidents and force figures.

use actix_web::get;
use serde::Deserialize;
use utoipa::IntoParams;

use super::as_of::DataPool;
use super::claims::{ClaimPage, Claims};
use super::force_figures::{ForceFigurePage, ForceFigures};
use super::format::JSON_CSV;
use super::geojson::IncidentFeatureCollection;
use super::incidents::{IncidentPage, Incidents};
use super::listing::Filters;
use super::listing::keyset_collection;
use super::listing::list_endpoint;
use super::params::{DateBound, date_range};
use super::record::record_endpoint;
use crate::domain::ActorSort;
use crate::domain::{
    Actor, ActorId, ActorKind, ClaimKind, ClaimStatus, CountryCode, ForceMetric, IncidentKind,
    Resource,
};
use crate::error::ApiError;
use crate::store;
use crate::store::actors::ActorFilter;
use crate::store::claims::ClaimFilter;
use crate::store::force_figures::ForceFigureFilter;
use crate::store::incidents::IncidentFilter;

keyset_collection! {
    /// The actors collection.
    Actors { Actor, ActorPage: "A page of actors.", Actors, ActorFilter, ActorSort::Id }
    queries: store::actors::ACTORS;
    key: |a| a.name;
    formats: JSON_CSV;
}

/// Filters of `GET /v1/actors`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListActorsParams {
    /// Only actors of this kind.
    kind: Option<ActorKind>,
    /// Only actors based in this country (ISO 3166-1 alpha-2).
    #[param(value_type = Option<String>, example = "PK", pattern = "^[A-Z]{2}$")]
    country: Option<CountryCode>,
}

impl Filters for ListActorsParams {
    type Of = Actors;
    fn filter(&self) -> Result<ActorFilter, ApiError> {
        Ok(ActorFilter {
            kind: self.kind,
            country: self.country.clone(),
        })
    }
}

list_endpoint! {
    /// List actors
    ///
    /// States, de facto governments, armed groups, coalitions, organisations and media, in id order.
    list_actors: "/actors", "actors", ListActorsParams, ok: "A page of actors",
    content: [(ActorPage = "application/json"), (String = "text/csv")]
}

/// Parses a path id into an actor that exists, or a 404 (410 if it was deleted).
async fn existing_actor(pool: &DataPool, id: &str) -> Result<ActorId, ApiError> {
    let Ok(actor) = ActorId::parse(id) else {
        return Err(ApiError::NotFound {
            resource: Resource::Actors,
            id: id.to_owned(),
        });
    };
    if store::actors::actor_exists(pool, &actor).await? {
        Ok(actor)
    } else {
        Err(pool.missing(Resource::Actors, id).await)
    }
}

record_endpoint! {
    /// Get an actor
    ///
    /// The actor with its aliases, founding date (with precision) and relations to other actors.
    get_actor: "/actors/{id}", "actors", Actor, Actors(ActorId),
    id: ("Actor id", "ttp"), ok: "The actor", read: store::actors::get_actor
}

/// Filters of `GET /v1/actors/{id}/claims`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActorClaimsParams {
    /// Only claims of this kind.
    kind: Option<ClaimKind>,
    /// Only claims with this verification status.
    status: Option<ClaimStatus>,
    /// Claims that may have been made on or after this date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).
    #[param(example = "2026-02-01")]
    from: Option<DateBound>,
    /// Claims that may have been made on or before this date.
    #[param(example = "2026-02-28")]
    to: Option<DateBound>,
}

impl Filters for ActorClaimsParams {
    type Of = Claims;
    fn filter(&self) -> Result<ClaimFilter, ApiError> {
        Ok(ClaimFilter {
            kind: self.kind,
            status: self.status,
            dates: date_range(self.from.as_ref(), self.to.as_ref())?,
            ..ClaimFilter::default()
        })
    }
}

list_endpoint! {
    /// List an actor's claims
    ///
    /// Claims this actor made (it is the claimant), in chronological order. For claims *about*
    /// the actor, use `GET /v1/claims?about={id}`.
    list_actor_claims: "/actors/{id}/claims", "actors", ActorClaimsParams,
    ok: "A page of the actor's claims (CSV: one row per figure)",
    content: [(ClaimPage = "application/json"), (String = "text/csv")],
    of: existing_actor, ("Actor id", "pakistan"), |filter, actor| filter.claimant = Some(actor)
}

/// Filters of `GET /v1/actors/{id}/incidents`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActorIncidentsParams {
    /// Only incidents of this kind.
    kind: Option<IncidentKind>,
    /// Incidents that may have happened on or after this date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).
    #[param(example = "2025-10")]
    from: Option<DateBound>,
    /// Incidents that may have happened on or before this date.
    #[param(example = "2026-02")]
    to: Option<DateBound>,
}

impl Filters for ActorIncidentsParams {
    type Of = Incidents;
    fn filter(&self) -> Result<IncidentFilter, ApiError> {
        Ok(IncidentFilter {
            kind: self.kind,
            dates: date_range(self.from.as_ref(), self.to.as_ref())?,
            ..IncidentFilter::default()
        })
    }
}

list_endpoint! {
    /// List an actor's incidents
    ///
    /// Incidents the actor took part in, in any role, in chronological order.
    list_actor_incidents: "/actors/{id}/incidents", "actors", ActorIncidentsParams,
    ok: "A page of the actor's incidents",
    content: [(IncidentPage = "application/json"), (String = "text/csv"), (IncidentFeatureCollection = "application/geo+json")],
    of: existing_actor, ("Actor id", "ttp"), |filter, actor| filter.actor = Some(actor)
}

/// Filters of `GET /v1/actors/{id}/force-figures`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActorForceFiguresParams {
    /// Only figures of this metric.
    metric: Option<ForceMetric>,
    /// Only figures describing a period that overlaps this date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).
    #[param(example = "2025")]
    dated: Option<DateBound>,
}

impl Filters for ActorForceFiguresParams {
    type Of = ForceFigures;
    fn filter(&self) -> Result<ForceFigureFilter, ApiError> {
        Ok(ForceFigureFilter {
            actors: Vec::new(),
            metric: self.metric,
            dated: self.dated.as_ref().map(|d| (d.first_day(), d.last_day())),
        })
    }
}

list_endpoint! {
    /// List an actor's force figures
    ///
    /// Force-strength numbers about this actor's forces, in id order, each with who published
    /// it, its qualifier as stated, the period it describes and its sources.
    list_actor_force_figures: "/actors/{id}/force-figures", "actors", ActorForceFiguresParams,
    ok: "A page of figures about the actor's forces",
    content: [(ForceFigurePage = "application/json"), (String = "text/csv")],
    of: existing_actor, ("Actor id", "afghan-taliban"), |filter, actor| filter.actors = vec![actor]
}
