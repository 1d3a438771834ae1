//! `/v1/incidents`: events at a place and time, with the actors involved and the claims made.

use actix_web::get;
use serde::Deserialize;
use utoipa::IntoParams;

use super::format::JSON_CSV_GEOJSON;
use super::geojson::IncidentFeatureCollection;
use super::listing::keyset_collection;
use super::listing::list_endpoint;
use super::listing::{Docs, Filters};
use super::params::{BBoxParam, DateBound, SearchText, date_range};
use super::record::record_endpoint;
use crate::domain::IncidentSort;
use crate::domain::{ActorId, CountryCode, Incident, IncidentId, IncidentKind};
use crate::error::ApiError;
use crate::store;
use crate::store::incidents::IncidentFilter;

keyset_collection! {
    /// The incidents collection, also as GeoJSON.
    Incidents { Incident, IncidentPage: "A page of incidents.", Incidents, IncidentFilter, IncidentSort::Date }
    queries: store::incidents::INCIDENTS;
    key: |i| i.date.start();
    formats: JSON_CSV_GEOJSON;
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
    const DOCS: Docs = Docs::count(
        "`true` adds `meta.total`, the number of matching incidents (costs a count query).",
    )
    .format("Response format; overrides `Accept`. GeoJSON has one feature per located place.");
    fn filter(&self) -> Result<IncidentFilter, ApiError> {
        Ok(IncidentFilter {
            actor: self.actor.clone(),
            kind: self.kind,
            dates: date_range(self.from.as_ref(), self.to.as_ref())?,
            country: self.country.clone(),
            admin1: self.admin1.clone(),
            bbox: self.bbox.map(|b| b.0),
            q: self.q.clone().map(|q| q.0),
        })
    }
}

list_endpoint! {
    /// List incidents
    ///
    /// Incidents in chronological order (by the first day each may have happened, then id).
    /// Dates keep their precision (`day`, `month`, `year` or `range`).
    list_incidents: "/incidents", "incidents", ListIncidentsParams,
    ok: "A page of incidents (GeoJSON: one feature per located place)",
    content: [(IncidentPage = "application/json"), (String = "text/csv"), (IncidentFeatureCollection = "application/geo+json")]
}

record_endpoint! {
    /// Get an incident
    ///
    /// One incident: its date with precision, the places, the actors involved and their roles, a
    /// summary, its sources, and the ids of the claims about it.
    get_incident: "/incidents/{id}", "incidents", Incident, Incidents(IncidentId),
    id: ("Incident id", "pakistan-strikes-on-taliban-2026-02-27"),
    ok: "The incident, with the ids of the claims about it",
    read: store::incidents::get_incident
}
