//! `/v1/actors` and each actor's claims, incidents and force figures.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::IntoParams;

use super::as_of::{AsOfParams, DataPool, Db};
use super::claims::{ClaimPage, Claims};
use super::force_figures::{ForceFigurePage, ForceFigures};
use super::format::{Format, JSON_CSV};
use super::geojson::IncidentFeatureCollection;
use super::incidents::{IncidentPage, Incidents};
use super::listing::{self, Collection, Docs, Filters, ListParams, keyset_after};
use super::pagination::page_type;
use super::params::{DateBound, date_range};
use crate::domain::ActorSort;
use crate::domain::{
    Actor, ActorId, ActorKind, ClaimKind, ClaimStatus, CountryCode, ForceMetric, IncidentKind,
    Resource,
};
use crate::error::ApiError;
use crate::extract::Params;
use crate::store;
use crate::store::Reader;
use crate::store::actors::ActorFilter;
use crate::store::claims::ClaimFilter;
use crate::store::force_figures::ForceFigureFilter;
use crate::store::incidents::IncidentFilter;
use crate::store::keyset::Position;
use crate::store::keyset::Sorted;

page_type!(
    /// A page of actors.
    ActorPage,
    Actor
);

/// The actors collection.
pub struct Actors;

impl Collection for Actors {
    type Item = Actor;
    type Filter = ActorFilter;
    type Sort = ActorSort;
    type After = Position;
    type Page = ActorPage;
    const NAME: &'static str = "actors";
    const FORMATS: &'static [Format] = JSON_CSV;
    const DEFAULT_SORT: ActorSort = ActorSort::Id;

    fn sort_name(sort: ActorSort) -> &'static str {
        sort.as_str()
    }
    fn sort_schema() -> Option<std::borrow::Cow<'static, str>> {
        Some(<ActorSort as utoipa::ToSchema>::name())
    }
    fn after(sort: ActorSort, cursor: Option<&str>) -> Result<Option<Position>, ApiError> {
        keyset_after::<Self>(sort, &sort.order(), cursor)
    }
    async fn read(
        reader: &Reader,
        filter: &ActorFilter,
        sort: ActorSort,
        after: Option<&Position>,
        limit: i64,
    ) -> Result<Vec<Actor>, ApiError> {
        Ok(store::actors::list_actors(reader, filter, sort, after, limit).await?)
    }
    fn key(sort: ActorSort, a: &Actor) -> (Vec<Value>, String) {
        match sort {
            ActorSort::Name | ActorSort::NameDesc => (vec![json!(a.name)], a.id.to_string()),
            ActorSort::Id | ActorSort::IdDesc => (Vec::new(), a.id.to_string()),
        }
    }
    async fn count(reader: &Reader, filter: &ActorFilter) -> Result<Option<i64>, ApiError> {
        Ok(Some(store::actors::count_actors(reader, filter).await?))
    }
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
    const DOCS: Docs =
        Docs::sorted("Sort order (default `id`); `-` for descending; ties broken by id.");
    fn filter(&self) -> Result<ActorFilter, ApiError> {
        Ok(ActorFilter {
            kind: self.kind,
            country: self.country.clone(),
        })
    }
}

/// List actors
///
/// States, de facto governments, armed groups, coalitions, organisations and media, in id order.
#[utoipa::path(
    tag = "actors",
    params(ListParams<ListActorsParams>),
    responses(
        (status = 200, description = "A page of actors",
            content((ActorPage = "application/json"), (String = "text/csv")),
            headers(("Link" = String, description = "RFC 8288 link to the next page, when there is one"))),
        super::responses::ListErrors,
    )
)]
#[get("/actors")]
pub async fn list_actors(
    req: HttpRequest,
    db: Db,
    params: ListParams<ListActorsParams>,
) -> Result<HttpResponse, ApiError> {
    let pool = db.at(params.as_of()).await?;
    let filter = params.filters.filter()?;
    listing::respond(&req, &pool, filter, params).await
}

/// Parses a path id into an actor that exists, or a 404 (410 if it was deleted).
async fn existing_actor(pool: &DataPool, id: &str) -> Result<ActorId, ApiError> {
    let not_found = || ApiError::NotFound(format!("No actor has the id `{id}`."));
    let actor = ActorId::parse(id).map_err(|_| not_found())?;
    if store::actors::actor_exists(pool, &actor).await? {
        Ok(actor)
    } else {
        Err(pool.missing(Resource::Actors, id, not_found()).await)
    }
}

/// Get an actor
///
/// The actor with its aliases, founding date (with precision) and relations to other actors.
#[utoipa::path(
    tag = "actors",
    params(("id" = String, Path, description = "Actor id", example = "ttp"), AsOfParams),
    responses(
        (status = 200, description = "The actor", body = Actor),
        super::responses::RecordErrors,
    )
)]
#[get("/actors/{id}")]
pub async fn get_actor(
    db: Db,
    id: web::Path<String>,
    Params(params): Params<AsOfParams>,
    _: super::format::JsonOnly,
) -> Result<web::Json<Actor>, ApiError> {
    let pool = db.at(params.as_of).await?;
    let not_found = || ApiError::NotFound(format!("No actor has the id `{id}`."));
    let actor_id = ActorId::parse(id.as_str()).map_err(|_| not_found())?;
    match store::actors::get_actor(&pool, &actor_id).await? {
        Some(actor) => Ok(web::Json(actor)),
        None => Err(pool.missing(Resource::Actors, &id, not_found()).await),
    }
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
    const DOCS: Docs =
        Docs::sorted("Sort order (default `made_at`); `-` for descending; ties broken by id.");
    fn filter(&self) -> Result<ClaimFilter, ApiError> {
        let (from, to) = date_range(self.from.as_ref(), self.to.as_ref())?;
        Ok(ClaimFilter {
            kind: self.kind,
            status: self.status,
            from,
            to,
            ..ClaimFilter::default()
        })
    }
}

/// List an actor's claims
///
/// Claims this actor made (it is the claimant), in chronological order. For claims *about*
/// the actor, use `GET /v1/claims?about={id}`.
#[utoipa::path(
    tag = "actors",
    params(("id" = String, Path, description = "Actor id", example = "pakistan"), ListParams<ActorClaimsParams>),
    responses(
        (status = 200, description = "A page of the actor's claims (CSV: one row per figure)",
            content((ClaimPage = "application/json"), (String = "text/csv")),
            headers(("Link" = String, description = "RFC 8288 link to the next page, when there is one"))),
        super::responses::RecordErrors,
    )
)]
#[get("/actors/{id}/claims")]
pub async fn list_actor_claims(
    req: HttpRequest,
    db: Db,
    id: web::Path<String>,
    params: ListParams<ActorClaimsParams>,
) -> Result<HttpResponse, ApiError> {
    let pool = db.at(params.as_of()).await?;
    let mut filter = params.filters.filter()?;
    filter.claimant = Some(existing_actor(&pool, &id).await?);
    listing::respond(&req, &pool, filter, params).await
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
    const DOCS: Docs =
        Docs::sorted("Sort order (default `date`); `-` for descending; ties broken by id.");
    fn filter(&self) -> Result<IncidentFilter, ApiError> {
        let (from, to) = date_range(self.from.as_ref(), self.to.as_ref())?;
        Ok(IncidentFilter {
            kind: self.kind,
            from,
            to,
            ..IncidentFilter::default()
        })
    }
}

/// List an actor's incidents
///
/// Incidents the actor took part in, in any role, in chronological order.
#[utoipa::path(
    tag = "actors",
    params(("id" = String, Path, description = "Actor id", example = "ttp"), ListParams<ActorIncidentsParams>),
    responses(
        (status = 200, description = "A page of the actor's incidents",
            content((IncidentPage = "application/json"), (String = "text/csv"), (IncidentFeatureCollection = "application/geo+json")),
            headers(("Link" = String, description = "RFC 8288 link to the next page, when there is one"))),
        super::responses::RecordErrors,
    )
)]
#[get("/actors/{id}/incidents")]
pub async fn list_actor_incidents(
    req: HttpRequest,
    db: Db,
    id: web::Path<String>,
    params: ListParams<ActorIncidentsParams>,
) -> Result<HttpResponse, ApiError> {
    let pool = db.at(params.as_of()).await?;
    let mut filter = params.filters.filter()?;
    filter.actor = Some(existing_actor(&pool, &id).await?);
    listing::respond(&req, &pool, filter, params).await
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
    const DOCS: Docs =
        Docs::sorted("Sort order (default `id`); `-` for descending; ties broken by id.");
    fn filter(&self) -> Result<ForceFigureFilter, ApiError> {
        Ok(ForceFigureFilter {
            actors: Vec::new(),
            metric: self.metric,
            dated: self.dated.as_ref().map(|d| (d.first_day(), d.last_day())),
        })
    }
}

/// List an actor's force figures
///
/// Force-strength numbers about this actor's forces, in id order, each with who published
/// it, its qualifier as stated, the period it describes and its sources.
#[utoipa::path(
    tag = "actors",
    params(("id" = String, Path, description = "Actor id", example = "afghan-taliban"), ListParams<ActorForceFiguresParams>),
    responses(
        (status = 200, description = "A page of figures about the actor's forces",
            content((ForceFigurePage = "application/json"), (String = "text/csv")),
            headers(("Link" = String, description = "RFC 8288 link to the next page, when there is one"))),
        super::responses::RecordErrors,
    )
)]
#[get("/actors/{id}/force-figures")]
pub async fn list_actor_force_figures(
    req: HttpRequest,
    db: Db,
    id: web::Path<String>,
    params: ListParams<ActorForceFiguresParams>,
) -> Result<HttpResponse, ApiError> {
    let pool = db.at(params.as_of()).await?;
    let mut filter = params.filters.filter()?;
    filter.actors = vec![existing_actor(&pool, &id).await?];
    listing::respond(&req, &pool, filter, params).await
}
