//! `/v1/incidents`: events at a place and time, with the actors involved and the claims made.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::as_of::{AsOfParams, Db};

use serde_json::{Value, json};

use super::download;
use super::format::{Format, JSON_CSV_GEOJSON, negotiate};
use super::geojson::{self, IncidentFeatureCollection};
use super::pagination::{self, Chunk, Listing, Page, page_type};
use super::params::{BBoxParam, DateBound, Limit, SearchText, date_range};
use crate::domain::{ActorId, AsOf, CountryCode, Incident, IncidentId, IncidentKind, Resource};
use crate::error::{
    ApiError, BadRequest, Gone, InternalError, NotAcceptable, NotFound, TooManyRequests,
    Unavailable,
};
use crate::extract::Params;
use crate::store;
use crate::store::Reader;
use crate::store::incidents::{IncidentFilter, IncidentSort};

page_type!(
    /// A page of incidents.
    IncidentPage,
    Incident
);

/// Query parameters of `GET /v1/incidents`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListIncidentsParams {
    /// Only incidents this actor took part in (in any role).
    #[param(example = "ttp")]
    actor: Option<ActorId>,
    /// Only incidents of this kind.
    kind: Option<IncidentKind>,
    /// Incidents that may have happened on or after this date (`YYYY`, `YYYY-MM` or
    /// `YYYY-MM-DD`; a partial date means its first day). Matches on overlap, so an incident
    /// dated `2025-10` matches `from=2025-10-01&to=2025-10-31`.
    #[param(example = "2026-02-01")]
    from: Option<DateBound>,
    /// Incidents that may have happened on or before this date (a partial date means its last day).
    #[param(example = "2026-02-28")]
    to: Option<DateBound>,
    /// Only incidents with a location in this country (ISO 3166-1 alpha-2).
    #[param(value_type = Option<String>, example = "AF", pattern = "^[A-Z]{2}$")]
    country: Option<CountryCode>,
    /// Only incidents with a location in this province (first-level division), any case.
    #[param(example = "Khyber Pakhtunkhwa", pattern = "^[^\\u0000]*$")]
    admin1: Option<String>,
    /// Only incidents with a location inside `min_lon,min_lat,max_lon,max_lat` (WGS 84).
    #[param(example = "60.5,29.3,75.2,37.1")]
    bbox: Option<BBoxParam>,
    /// Full-text search in the title, summary and place names (web-search syntax).
    #[param(example = "Bajaur")]
    q: Option<SearchText>,
    /// Sort order (default `date`); `-` for descending; ties broken by id.
    sort: Option<IncidentSort>,
    /// `true` adds `meta.total`, the number of matching incidents (costs a count query).
    count: Option<bool>,
    /// Response format; overrides `Accept`. GeoJSON has one feature per located place.
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

impl ListIncidentsParams {
    /// The store filter these parameters ask for.
    fn filter(&self) -> Result<IncidentFilter, ApiError> {
        let (from, to) = date_range(self.from.as_ref(), self.to.as_ref())?;
        Ok(IncidentFilter {
            actor: self.actor.clone(),
            kind: self.kind,
            from,
            to,
            country: self.country.clone(),
            admin1: self.admin1.clone(),
            bbox: self.bbox.map(|b| b.0),
            q: self.q.clone().map(|q| q.0),
        })
    }
}

fn sort_key(sort: IncidentSort, i: &Incident) -> Vec<Value> {
    match sort {
        IncidentSort::Date | IncidentSort::DateDesc => vec![json!(i.date.start())],
        IncidentSort::Id | IncidentSort::IdDesc => Vec::new(),
    }
}

/// Lists incidents matching `filter`: one page, or every one (CSV or GeoJSON without
/// `limit`).
pub(super) async fn incidents_page(
    req: &HttpRequest,
    pool: &Reader,
    filter: &IncidentFilter,
    listing: Listing<'_, IncidentSort>,
) -> Result<HttpResponse, ApiError> {
    let format = negotiate(req, listing.format, JSON_CSV_GEOJSON)?;
    let sort = listing.sort.unwrap_or(IncidentSort::Date);
    let owned = filter.clone();
    let fetch = move |reader: Reader, cursor: Option<String>, limit: u32| {
        let filter = owned.clone();
        async move {
            let after =
                pagination::position("incidents", sort.as_str(), &sort.order(), cursor.as_deref())?;
            let rows = store::incidents::list_incidents(
                &reader,
                &filter,
                sort,
                after.as_ref(),
                i64::from(limit) + 1,
            )
            .await?;
            Ok(Chunk::new(
                rows,
                limit,
                |i: &Incident| (sort_key(sort, i), i.id.to_string()),
                "incidents",
                sort.as_str(),
            ))
        }
    };
    let cursor = listing.cursor.map(str::to_owned);
    if download::is_whole(format, listing.limit) {
        return download::respond(req, pool, format, "incidents", cursor, fetch).await;
    }
    let limit = Limit::or_default(listing.limit);
    let chunk = fetch(pool.clone(), cursor, limit).await?;
    let total = match listing.count {
        Some(true) => Some(store::incidents::count_incidents(pool, filter).await?),
        _ => None,
    };
    let page = Page::from_chunk(req, chunk, limit).with_total(total);
    if format == Format::Geojson {
        let mut response = HttpResponse::Ok();
        response.content_type(Format::Geojson.media_type());
        if let Some(link) = page.link_header() {
            response.insert_header(link);
        }
        let body = serde_json::to_string(&geojson::feature_collection(&page.data))
            .map_err(|e| ApiError::Internal(e.into()))?;
        return Ok(response.body(body));
    }
    Ok(pagination::respond::<_, IncidentPage>(
        page,
        format,
        "incidents",
    ))
}

/// List incidents
///
/// Incidents in chronological order (by the first day each may have happened, then id).
/// Dates keep their precision (`day`, `month`, `year` or `range`).
#[utoipa::path(
    tag = "incidents",
    params(ListIncidentsParams),
    responses(
        (status = 200, description = "A page of incidents (GeoJSON: one feature per located place)",
            content((IncidentPage = "application/json"), (String = "text/csv"), (IncidentFeatureCollection = "application/geo+json")),
            headers(("Link" = String, description = "RFC 8288 link to the next page, when there is one"))),
        (status = 400, response = BadRequest),
        (status = 406, response = NotAcceptable),
        (status = 429, response = TooManyRequests),
        (status = 500, response = InternalError),
        (status = 503, response = Unavailable),
    )
)]
#[get("/incidents")]
pub async fn list_incidents(
    req: HttpRequest,
    db: Db,
    Params(params): Params<ListIncidentsParams>,
) -> Result<HttpResponse, ApiError> {
    let pool = db.at(params.as_of).await?;
    let filter = params.filter()?;
    let listing = Listing {
        sort: params.sort,
        count: params.count,
        format: params.format,
        limit: params.limit,
        cursor: params.cursor.as_deref(),
    };
    incidents_page(&req, &pool, &filter, listing).await
}

/// Get an incident
///
/// One incident: its date with precision, the places, the actors involved and their roles, a
/// summary, its sources, and the ids of the claims about it.
#[utoipa::path(
    tag = "incidents",
    params(("id" = String, Path, description = "Incident id", example = "pakistan-strikes-on-taliban-2026-02-27"), AsOfParams),
    responses(
        (status = 200, description = "The incident, with the ids of the claims about it", body = Incident),
        (status = 400, response = BadRequest),
        (status = 406, response = crate::error::NotAcceptable),
        (status = 404, response = NotFound),
        (status = 410, response = Gone),
        (status = 429, response = TooManyRequests),
        (status = 500, response = InternalError),
        (status = 503, response = Unavailable),
    )
)]
#[get("/incidents/{id}")]
pub async fn get_incident(
    db: Db,
    id: web::Path<String>,
    Params(params): Params<AsOfParams>,
    _: super::format::JsonOnly,
) -> Result<web::Json<Incident>, ApiError> {
    let pool = db.at(params.as_of).await?;
    let not_found = || ApiError::NotFound(format!("No incident has the id `{id}`."));
    let incident_id = IncidentId::parse(id.as_str()).map_err(|_| not_found())?;
    match store::incidents::get_incident(&pool, &incident_id).await? {
        Some(incident) => Ok(web::Json(incident)),
        None => Err(pool.missing(Resource::Incidents, &id, not_found()).await),
    }
}
