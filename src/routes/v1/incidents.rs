//! `/v1/incidents`: events at a place and time, with the actors involved and the claims made.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::IntoParams;

use super::pagination::{Cursor, Page, page_type};
use super::params::{BBoxParam, DateBound, Limit, date_range};
use crate::domain::{ActorId, CountryCode, Incident, IncidentId, IncidentKind};
use crate::error::{ApiError, BadRequest, InternalError, NotFound, Unavailable};
use crate::extract::Params;
use crate::store;
use crate::store::incidents::IncidentFilter;

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
    #[param(value_type = Option<String>, example = "ttp")]
    actor: Option<ActorId>,
    /// Only incidents of this kind.
    kind: Option<IncidentKind>,
    /// Incidents that may have happened on or after this date (`YYYY`, `YYYY-MM` or
    /// `YYYY-MM-DD`; a partial date means its first day). Matches on overlap, so an incident
    /// dated `2025-10` matches `from=2025-10-01&to=2025-10-31`.
    #[param(value_type = Option<String>, example = "2026-02-01")]
    from: Option<DateBound>,
    /// Incidents that may have happened on or before this date (a partial date means its last day).
    #[param(value_type = Option<String>, example = "2026-02-28")]
    to: Option<DateBound>,
    /// Only incidents with a location in this country (ISO 3166-1 alpha-2).
    #[param(value_type = Option<String>, example = "AF", pattern = "^[A-Z]{2}$")]
    country: Option<CountryCode>,
    /// Only incidents with a location in this province (first-level division), any case.
    #[param(example = "Khyber Pakhtunkhwa")]
    admin1: Option<String>,
    /// Only incidents with a location inside `min_lon,min_lat,max_lon,max_lat` (WGS 84).
    #[param(value_type = Option<String>, example = "60.5,29.3,75.2,37.1")]
    bbox: Option<BBoxParam>,
    /// Page size, 1 to 500.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500, default = 50)]
    limit: Option<Limit>,
    /// Opaque cursor from `meta.next_cursor` of the previous page.
    cursor: Option<String>,
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
        })
    }
}

/// Lists incidents matching `filter` as one page of the response.
pub(super) async fn incidents_page(
    req: &HttpRequest,
    pool: &PgPool,
    filter: &IncidentFilter,
    limit: Option<Limit>,
    cursor: Option<&str>,
) -> Result<HttpResponse, ApiError> {
    let limit = Limit::or_default(limit);
    let after = Cursor::decode("incidents", "date", cursor)?
        .map(|c| {
            Ok::<_, ApiError>(store::After {
                key: c.key_as::<chrono::NaiveDate>("incidents", 0)?,
                id: c.id,
            })
        })
        .transpose()?;
    let rows = store::incidents::list_incidents(pool, filter, after.as_ref(), i64::from(limit) + 1)
        .await?;
    Ok(Page::new(
        req,
        rows,
        limit,
        |r: &Incident| (vec![serde_json::json!(r.date.start())], r.id.to_string()),
        "incidents",
        "date",
    )
    .respond_json::<IncidentPage>())
}

/// List incidents
///
/// Incidents in chronological order (by the first day each may have happened, then id).
/// Dates keep their precision (`day`, `month`, `year` or `range`).
#[utoipa::path(
    tag = "incidents",
    params(ListIncidentsParams),
    responses(
        (status = 200, description = "A page of incidents", body = IncidentPage,
            headers(("Link" = String, description = "RFC 8288 link to the next page, when there is one"))),
        (status = 400, response = BadRequest),
        (status = 500, response = InternalError),
        (status = 503, response = Unavailable),
    )
)]
#[get("/incidents")]
pub async fn list_incidents(
    req: HttpRequest,
    pool: web::Data<PgPool>,
    Params(params): Params<ListIncidentsParams>,
) -> Result<HttpResponse, ApiError> {
    let filter = params.filter()?;
    incidents_page(&req, &pool, &filter, params.limit, params.cursor.as_deref()).await
}

/// Get an incident
#[utoipa::path(
    tag = "incidents",
    params(("id" = String, Path, description = "Incident id", example = "pakistan-strikes-on-taliban-2026-02-27")),
    responses(
        (status = 200, description = "The incident, with the ids of the claims about it", body = Incident),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
        (status = 503, response = Unavailable),
    )
)]
#[get("/incidents/{id}")]
pub async fn get_incident(
    pool: web::Data<PgPool>,
    id: web::Path<String>,
) -> Result<web::Json<Incident>, ApiError> {
    let not_found = || ApiError::NotFound(format!("No incident has the id `{id}`."));
    let incident_id = IncidentId::parse(id.as_str()).map_err(|_| not_found())?;
    store::incidents::get_incident(&pool, &incident_id)
        .await?
        .map(web::Json)
        .ok_or_else(not_found)
}
