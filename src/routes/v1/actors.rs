//! `/v1/actors` and each actor's claims, incidents and force figures.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use serde_json::json;

use super::as_of::{AsOfParams, DataPool, Db};
use super::claims::{ClaimPage, claims_page};
use super::download;
use super::force_figures::{ForceFigurePage, force_figures_page};
use super::format::{Format, JSON_CSV, negotiate};
use super::geojson::IncidentFeatureCollection;
use super::incidents::{IncidentPage, incidents_page};
use super::pagination::{self, Chunk, Listing, Page, page_type};
use super::params::{DateBound, Limit, date_range};
use crate::domain::{
    Actor, ActorId, ActorKind, AsOf, ClaimKind, ClaimStatus, CountryCode, ForceMetric,
    IncidentKind, Resource,
};
use crate::error::{
    ApiError, BadRequest, Gone, InternalError, NotAcceptable, NotFound, TooManyRequests,
    Unavailable,
};
use crate::extract::Params;
use crate::store;
use crate::store::Reader;
use crate::store::actors::{ActorFilter, ActorSort};
use crate::store::claims::{ClaimFilter, ClaimSort};
use crate::store::force_figures::{ForceFigureFilter, ForceFigureSort};
use crate::store::incidents::{IncidentFilter, IncidentSort};

page_type!(
    /// A page of actors.
    ActorPage,
    Actor
);

/// Query parameters of `GET /v1/actors`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListActorsParams {
    /// Only actors of this kind.
    kind: Option<ActorKind>,
    /// Only actors based in this country (ISO 3166-1 alpha-2).
    #[param(value_type = Option<String>, example = "PK", pattern = "^[A-Z]{2}$")]
    country: Option<CountryCode>,
    /// Sort order (default `id`); `-` for descending; ties broken by id.
    sort: Option<ActorSort>,
    /// `true` adds `meta.total`, the number of matching records (costs a count query).
    count: Option<bool>,
    /// Response format; overrides `Accept`.
    #[param(value_type = Option<super::format::TabularFormat>)]
    format: Option<Format>,
    /// Page size, 1 to 500; 50 when not given. CSV and GeoJSON without `limit` are not
    /// paged: every matching record, in one streamed body (a URL pasted into a spreadsheet
    /// gets the whole collection).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    limit: Option<Limit>,
    /// Opaque cursor from `meta.next_cursor` of the previous page (base64url). Only a cursor
    /// this API issued for the same collection and `sort` is accepted; any other is a 400.
    #[param(pattern = "^[A-Za-z0-9_-]+$")]
    cursor: Option<String>,
    /// Time travel: the data as it was at this dataset version (`42`) or time (RFC 3339,
    /// e.g. `2026-03-01T12:00:00Z`); the same request always returns the same bytes.
    #[param(inline)]
    as_of: Option<AsOf>,
}

/// List actors
///
/// States, de facto governments, armed groups, coalitions, organisations and media, in id order.
#[utoipa::path(
    tag = "actors",
    params(ListActorsParams),
    responses(
        (status = 200, description = "A page of actors",
            content((ActorPage = "application/json"), (String = "text/csv")),
            headers(("Link" = String, description = "RFC 8288 link to the next page, when there is one"))),
        (status = 400, response = BadRequest),
        (status = 406, response = NotAcceptable),
        (status = 429, response = TooManyRequests),
        (status = 500, response = InternalError),
        (status = 503, response = Unavailable),
    )
)]
#[get("/actors")]
pub async fn list_actors(
    req: HttpRequest,
    db: Db,
    Params(params): Params<ListActorsParams>,
) -> Result<HttpResponse, ApiError> {
    let pool = db.at(params.as_of).await?;
    let format = negotiate(&req, params.format, JSON_CSV)?;
    let sort = params.sort.unwrap_or(ActorSort::Id);
    let filter = ActorFilter {
        kind: params.kind,
        country: params.country,
    };
    let owned = filter.clone();
    let fetch = move |reader: Reader, cursor: Option<String>, limit: u32| {
        let filter = owned.clone();
        async move {
            let after =
                pagination::position("actors", sort.as_str(), &sort.order(), cursor.as_deref())?;
            let rows = store::actors::list_actors(
                &reader,
                &filter,
                sort,
                after.as_ref(),
                i64::from(limit) + 1,
            )
            .await?;
            let key = |a: &Actor| match sort {
                ActorSort::Name | ActorSort::NameDesc => (vec![json!(a.name)], a.id.to_string()),
                ActorSort::Id | ActorSort::IdDesc => (Vec::new(), a.id.to_string()),
            };
            Ok(Chunk::new(rows, limit, key, "actors", sort.as_str()))
        }
    };
    if download::is_whole(format, params.limit) {
        return download::respond(&req, &pool, format, "actors", params.cursor, fetch).await;
    }
    let limit = Limit::or_default(params.limit);
    let chunk = fetch(Reader::clone(&pool), params.cursor, limit).await?;
    let total = match params.count {
        Some(true) => Some(store::actors::count_actors(&pool, &filter).await?),
        _ => None,
    };
    let page = Page::from_chunk(&req, chunk, limit).with_total(total);
    Ok(pagination::respond::<_, ActorPage>(page, format, "actors"))
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
        (status = 400, response = BadRequest),
        (status = 406, response = crate::error::NotAcceptable),
        (status = 404, response = NotFound),
        (status = 410, response = Gone),
        (status = 429, response = TooManyRequests),
        (status = 500, response = InternalError),
        (status = 503, response = Unavailable),
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

/// Query parameters of `GET /v1/actors/{id}/claims`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
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
    /// Sort order (default `made_at`); `-` for descending; ties broken by id.
    sort: Option<ClaimSort>,
    /// `true` adds `meta.total`, the number of matching records (costs a count query).
    count: Option<bool>,
    /// Response format; overrides `Accept`.
    #[param(value_type = Option<super::format::TabularFormat>)]
    format: Option<Format>,
    /// Page size, 1 to 500; 50 when not given. CSV and GeoJSON without `limit` are not
    /// paged: every matching record, in one streamed body (a URL pasted into a spreadsheet
    /// gets the whole collection).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    limit: Option<Limit>,
    /// Opaque cursor from `meta.next_cursor` of the previous page (base64url). Only a cursor
    /// this API issued for the same collection and `sort` is accepted; any other is a 400.
    #[param(pattern = "^[A-Za-z0-9_-]+$")]
    cursor: Option<String>,
    /// Time travel: the data as it was at this dataset version (`42`) or time (RFC 3339,
    /// e.g. `2026-03-01T12:00:00Z`); the same request always returns the same bytes.
    #[param(inline)]
    as_of: Option<AsOf>,
}

/// List an actor's claims
///
/// Claims this actor made (it is the claimant), in chronological order. For claims *about*
/// the actor, use `GET /v1/claims?about={id}`.
#[utoipa::path(
    tag = "actors",
    params(("id" = String, Path, description = "Actor id", example = "pakistan"), ActorClaimsParams),
    responses(
        (status = 200, description = "A page of the actor's claims (CSV: one row per figure)",
            content((ClaimPage = "application/json"), (String = "text/csv")),
            headers(("Link" = String, description = "RFC 8288 link to the next page, when there is one"))),
        (status = 400, response = BadRequest),
        (status = 406, response = NotAcceptable),
        (status = 404, response = NotFound),
        (status = 410, response = Gone),
        (status = 429, response = TooManyRequests),
        (status = 500, response = InternalError),
        (status = 503, response = Unavailable),
    )
)]
#[get("/actors/{id}/claims")]
pub async fn list_actor_claims(
    req: HttpRequest,
    db: Db,
    id: web::Path<String>,
    Params(params): Params<ActorClaimsParams>,
) -> Result<HttpResponse, ApiError> {
    let pool = db.at(params.as_of).await?;
    let (from, to) = date_range(params.from.as_ref(), params.to.as_ref())?;
    let claimant = existing_actor(&pool, &id).await?;
    let filter = ClaimFilter {
        claimant: Some(claimant),
        kind: params.kind,
        status: params.status,
        from,
        to,
        ..ClaimFilter::default()
    };
    let listing = Listing {
        sort: params.sort,
        count: params.count,
        format: params.format,
        limit: params.limit,
        cursor: params.cursor.as_deref(),
    };
    claims_page(&req, &pool, &filter, listing).await
}

/// Query parameters of `GET /v1/actors/{id}/incidents`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
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
    /// Sort order (default `date`); `-` for descending; ties broken by id.
    sort: Option<IncidentSort>,
    /// `true` adds `meta.total`, the number of matching records (costs a count query).
    count: Option<bool>,
    /// Response format; overrides `Accept`.
    format: Option<Format>,
    /// Page size, 1 to 500; 50 when not given. CSV and GeoJSON without `limit` are not
    /// paged: every matching record, in one streamed body (a URL pasted into a spreadsheet
    /// gets the whole collection).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    limit: Option<Limit>,
    /// Opaque cursor from `meta.next_cursor` of the previous page (base64url). Only a cursor
    /// this API issued for the same collection and `sort` is accepted; any other is a 400.
    #[param(pattern = "^[A-Za-z0-9_-]+$")]
    cursor: Option<String>,
    /// Time travel: the data as it was at this dataset version (`42`) or time (RFC 3339,
    /// e.g. `2026-03-01T12:00:00Z`); the same request always returns the same bytes.
    #[param(inline)]
    as_of: Option<AsOf>,
}

/// List an actor's incidents
///
/// Incidents the actor took part in, in any role, in chronological order.
#[utoipa::path(
    tag = "actors",
    params(("id" = String, Path, description = "Actor id", example = "ttp"), ActorIncidentsParams),
    responses(
        (status = 200, description = "A page of the actor's incidents",
            content((IncidentPage = "application/json"), (String = "text/csv"), (IncidentFeatureCollection = "application/geo+json")),
            headers(("Link" = String, description = "RFC 8288 link to the next page, when there is one"))),
        (status = 400, response = BadRequest),
        (status = 406, response = NotAcceptable),
        (status = 404, response = NotFound),
        (status = 410, response = Gone),
        (status = 429, response = TooManyRequests),
        (status = 500, response = InternalError),
        (status = 503, response = Unavailable),
    )
)]
#[get("/actors/{id}/incidents")]
pub async fn list_actor_incidents(
    req: HttpRequest,
    db: Db,
    id: web::Path<String>,
    Params(params): Params<ActorIncidentsParams>,
) -> Result<HttpResponse, ApiError> {
    let pool = db.at(params.as_of).await?;
    let (from, to) = date_range(params.from.as_ref(), params.to.as_ref())?;
    let actor = existing_actor(&pool, &id).await?;
    let filter = IncidentFilter {
        actor: Some(actor),
        kind: params.kind,
        from,
        to,
        ..IncidentFilter::default()
    };
    let listing = Listing {
        sort: params.sort,
        count: params.count,
        format: params.format,
        limit: params.limit,
        cursor: params.cursor.as_deref(),
    };
    incidents_page(&req, &pool, &filter, listing).await
}

/// Query parameters of `GET /v1/actors/{id}/force-figures`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ActorForceFiguresParams {
    /// Only figures of this metric.
    metric: Option<ForceMetric>,
    /// Only figures describing a period that overlaps this date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).
    #[param(example = "2025")]
    dated: Option<DateBound>,
    /// Sort order (default `id`); `-` for descending; ties broken by id.
    sort: Option<ForceFigureSort>,
    /// `true` adds `meta.total`, the number of matching records (costs a count query).
    count: Option<bool>,
    /// Response format; overrides `Accept`.
    #[param(value_type = Option<super::format::TabularFormat>)]
    format: Option<Format>,
    /// Page size, 1 to 500; 50 when not given. CSV and GeoJSON without `limit` are not
    /// paged: every matching record, in one streamed body (a URL pasted into a spreadsheet
    /// gets the whole collection).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    limit: Option<Limit>,
    /// Opaque cursor from `meta.next_cursor` of the previous page (base64url). Only a cursor
    /// this API issued for the same collection and `sort` is accepted; any other is a 400.
    #[param(pattern = "^[A-Za-z0-9_-]+$")]
    cursor: Option<String>,
    /// Time travel: the data as it was at this dataset version (`42`) or time (RFC 3339,
    /// e.g. `2026-03-01T12:00:00Z`); the same request always returns the same bytes.
    #[param(inline)]
    as_of: Option<AsOf>,
}

/// List an actor's force figures
///
/// Force-strength numbers about this actor's forces, in id order, each with who published
/// it, its qualifier as stated, the period it describes and its sources.
#[utoipa::path(
    tag = "actors",
    params(("id" = String, Path, description = "Actor id", example = "afghan-taliban"), ActorForceFiguresParams),
    responses(
        (status = 200, description = "A page of figures about the actor's forces",
            content((ForceFigurePage = "application/json"), (String = "text/csv")),
            headers(("Link" = String, description = "RFC 8288 link to the next page, when there is one"))),
        (status = 400, response = BadRequest),
        (status = 406, response = NotAcceptable),
        (status = 404, response = NotFound),
        (status = 410, response = Gone),
        (status = 429, response = TooManyRequests),
        (status = 500, response = InternalError),
        (status = 503, response = Unavailable),
    )
)]
#[get("/actors/{id}/force-figures")]
pub async fn list_actor_force_figures(
    req: HttpRequest,
    db: Db,
    id: web::Path<String>,
    Params(params): Params<ActorForceFiguresParams>,
) -> Result<HttpResponse, ApiError> {
    let pool = db.at(params.as_of).await?;
    let actor = existing_actor(&pool, &id).await?;
    let filter = ForceFigureFilter {
        actors: vec![actor],
        metric: params.metric,
        dated: params.dated.map(|d| (d.first_day(), d.last_day())),
    };
    let listing = Listing {
        sort: params.sort,
        count: params.count,
        format: params.format,
        limit: params.limit,
        cursor: params.cursor.as_deref(),
    };
    force_figures_page(&req, &pool, &filter, listing).await
}
