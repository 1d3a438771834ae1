//! `/v1/incidents`: events at a place and time, with the actors involved and the claims made.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::IntoParams;

use super::as_of::{AsOfParams, Db};
use super::format::{Format, JSON_CSV_GEOJSON};
use super::geojson::IncidentFeatureCollection;
use super::listing::{self, Collection, Docs, Filters, ListParams, keyset_after};
use super::pagination::page_type;
use super::params::{BBoxParam, DateBound, SearchText, date_range};
use crate::domain::IncidentSort;
use crate::domain::{ActorId, CountryCode, Incident, IncidentId, IncidentKind, Resource};
use crate::error::ApiError;
use crate::extract::Params;
use crate::store;
use crate::store::Reader;
use crate::store::incidents::IncidentFilter;
use crate::store::keyset::Position;
use crate::store::keyset::Sorted;

page_type!(
    /// A page of incidents.
    IncidentPage,
    Incident
);

/// The incidents collection, also as GeoJSON.
pub struct Incidents;

impl Collection for Incidents {
    type Item = Incident;
    type Filter = IncidentFilter;
    type Sort = IncidentSort;
    type After = Position;
    type Page = IncidentPage;
    const NAME: &'static str = "incidents";
    const FORMATS: &'static [Format] = JSON_CSV_GEOJSON;
    const DEFAULT_SORT: IncidentSort = IncidentSort::Date;

    fn sort_name(sort: IncidentSort) -> &'static str {
        sort.as_str()
    }
    fn sort_schema() -> Option<std::borrow::Cow<'static, str>> {
        Some(<IncidentSort as utoipa::ToSchema>::name())
    }
    fn after(sort: IncidentSort, cursor: Option<&str>) -> Result<Option<Position>, ApiError> {
        keyset_after::<Self>(sort, &sort.order(), cursor)
    }
    async fn read(
        reader: &Reader,
        filter: &IncidentFilter,
        sort: IncidentSort,
        after: Option<&Position>,
        limit: i64,
    ) -> Result<Vec<Incident>, ApiError> {
        Ok(store::incidents::list_incidents(reader, filter, sort, after, limit).await?)
    }
    fn key(sort: IncidentSort, i: &Incident) -> (Vec<Value>, String) {
        let key = match sort {
            IncidentSort::Date | IncidentSort::DateDesc => vec![json!(i.date.start())],
            IncidentSort::Id | IncidentSort::IdDesc => Vec::new(),
        };
        (key, i.id.to_string())
    }
    async fn count(reader: &Reader, filter: &IncidentFilter) -> Result<Option<i64>, ApiError> {
        Ok(Some(
            store::incidents::count_incidents(reader, filter).await?,
        ))
    }
}

/// Filters of `GET /v1/incidents`.
#[derive(Debug, Deserialize, IntoParams)]
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
}

impl Filters for ListIncidentsParams {
    type Of = Incidents;
    const DOCS: Docs = Docs {
        count: "`true` adds `meta.total`, the number of matching incidents (costs a count query).",
        format: "Response format; overrides `Accept`. GeoJSON has one feature per located place.",
        ..Docs::sorted("Sort order (default `date`); `-` for descending; ties broken by id.")
    };
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

/// List incidents
///
/// Incidents in chronological order (by the first day each may have happened, then id).
/// Dates keep their precision (`day`, `month`, `year` or `range`).
#[utoipa::path(
    tag = "incidents",
    params(ListParams<ListIncidentsParams>),
    responses(
        (status = 200, description = "A page of incidents (GeoJSON: one feature per located place)",
            content((IncidentPage = "application/json"), (String = "text/csv"), (IncidentFeatureCollection = "application/geo+json")),
            headers(("Link" = String, description = "RFC 8288 link to the next page, when there is one"))),
        super::responses::ListErrors,
    )
)]
#[get("/incidents")]
pub async fn list_incidents(
    req: HttpRequest,
    db: Db,
    params: ListParams<ListIncidentsParams>,
) -> Result<HttpResponse, ApiError> {
    let pool = db.at(params.as_of()).await?;
    let filter = params.filters.filter()?;
    listing::respond(&req, &pool, filter, params).await
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
        super::responses::RecordErrors,
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
