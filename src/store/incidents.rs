//! Queries on incidents.

use chrono::NaiveDate;
use sqlx::PgPool;
use sqlx::types::Json;

use super::After;
use crate::domain::{ActorId, ClaimId, CountryCode, Incident, IncidentId, IncidentKind};

/// A longitude/latitude box: west, south, east, north, in decimal degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BBox {
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
}

/// Filters on the incidents collection; `None` means "any".
#[derive(Debug, Clone, Default)]
pub struct IncidentFilter {
    pub actor: Option<ActorId>,
    pub kind: Option<IncidentKind>,
    /// Incidents whose date may fall on or after this day.
    pub from: Option<NaiveDate>,
    /// Incidents whose date may fall on or before this day.
    pub to: Option<NaiveDate>,
    pub country: Option<CountryCode>,
    /// Province name, matched case-insensitively.
    pub admin1: Option<String>,
    pub bbox: Option<BBox>,
}

/// An incident document with the ids of the claims about it (derived, never stored).
pub(super) struct IncidentRow {
    pub doc: Json<Incident>,
    pub claims: Vec<String>,
}

impl From<IncidentRow> for Incident {
    fn from(row: IncidentRow) -> Self {
        let Json(mut incident) = row.doc;
        incident.claims = row
            .claims
            .into_iter()
            .filter_map(|id| ClaimId::parse(id).ok())
            .collect();
        incident
    }
}

/// One page of incidents in chronological order (first possible day, then id), after `after`.
///
/// Date filters match on overlap: an incident dated `2025-10` matches
/// `from=2025-10-01&to=2025-10-31`, and also `from=2025-10-15`.
#[tracing::instrument(skip(pool))]
pub async fn list_incidents(
    pool: &PgPool,
    filter: &IncidentFilter,
    after: Option<&After<NaiveDate>>,
    limit: i64,
) -> Result<Vec<Incident>, sqlx::Error> {
    let bbox = filter.bbox;
    let rows = sqlx::query_as!(
        IncidentRow,
        r#"
        select i.doc as "doc!: Json<Incident>",
               array(select c.id from claims c where c.incident_id = i.id order by c.id) as "claims!"
        from incidents i
        where ($1::text is null or exists (
                select 1 from incident_actors a where a.incident_id = i.id and a.actor_id = $1))
          and ($2::text is null or i.kind = $2)
          and ($3::date is null or i.date_end >= $3)
          and ($4::date is null or i.date_start <= $4)
          and ($5::text is null or exists (
                select 1 from incident_locations l where l.incident_id = i.id and l.country = $5))
          and ($6::text is null or exists (
                select 1 from incident_locations l
                where l.incident_id = i.id and lower(l.admin1) = lower($6)))
          and ($7::float8 is null or exists (
                select 1 from incident_locations l
                where l.incident_id = i.id
                  and l.lon between $7 and $9::float8
                  and l.lat between $8::float8 and $10::float8))
          and ($11::date is null or (i.date_start, i.id) > ($11, $12::text))
        order by i.date_start, i.id
        limit $13
        "#,
        filter.actor.as_ref().map(ActorId::as_str),
        filter.kind.map(IncidentKind::as_str),
        filter.from,
        filter.to,
        filter.country.as_ref().map(CountryCode::as_str),
        filter.admin1.as_deref(),
        bbox.map(|b| b.min_lon),
        bbox.map(|b| b.min_lat),
        bbox.map(|b| b.max_lon),
        bbox.map(|b| b.max_lat),
        after.map(|a| a.key),
        after.map(|a| a.id.as_str()),
        limit,
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(Incident::from).collect())
}

/// One incident, if it exists, with the ids of the claims about it.
#[tracing::instrument(skip(pool))]
pub async fn get_incident(pool: &PgPool, id: &IncidentId) -> Result<Option<Incident>, sqlx::Error> {
    let row = sqlx::query_as!(
        IncidentRow,
        r#"
        select i.doc as "doc!: Json<Incident>",
               array(select c.id from claims c where c.incident_id = i.id order by c.id) as "claims!"
        from incidents i
        where i.id = $1
        "#,
        id.as_str(),
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(Incident::from))
}
