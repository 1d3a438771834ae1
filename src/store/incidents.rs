//! Queries on incidents.

use sqlx::types::Json;
use sqlx::{Postgres, QueryBuilder};

use super::Reader;

use super::keyset::{
    DateRange, KeyKind, ListQueries, Order, Sorted, push_eq, push_matches, push_overlaps,
};
use crate::domain::{
    ActorId, ClaimId, CountryCode, Incident, IncidentId, IncidentKind, IncidentSort,
};

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
    /// Incidents whose date may fall in this range.
    pub dates: DateRange,
    pub country: Option<CountryCode>,
    /// Province name, matched case-insensitively.
    pub admin1: Option<String>,
    pub bbox: Option<BBox>,
    /// A full-text query (websearch syntax) over title, summary and places.
    pub q: Option<String>,
}

/// An incident document with the ids of the claims about it (derived, never stored).
#[derive(sqlx::FromRow)]
pub struct IncidentRow {
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

impl Sorted for IncidentSort {
    fn order(self) -> Order {
        match self {
            Self::Date => Order::by("i.date_start", KeyKind::Date, "i.id", false),
            Self::DateDesc => Order::by("i.date_start", KeyKind::Date, "i.id", true),
            Self::Id => Order::by_id("i.id", false),
            Self::IdDesc => Order::by_id("i.id", true),
        }
    }
}

/// Appends the `where` clause for `filter` (always starting with `where true`).
fn push_filter(qb: &mut QueryBuilder<'_, Postgres>, filter: &IncidentFilter) {
    qb.push(" where true");
    push_eq(qb, "i.kind", filter.kind.map(IncidentKind::as_str));
    if let Some(actor) = &filter.actor {
        qb.push(" and exists (select 1 from incident_actors a where a.incident_id = i.id and a.actor_id = ")
            .push_bind(actor.to_string())
            .push(")");
    }
    push_overlaps(qb, ("i.date_start", "i.date_end"), filter.dates);
    if let Some(country) = &filter.country {
        qb.push(" and exists (select 1 from incident_locations l where l.incident_id = i.id and l.country = ")
            .push_bind(country.as_str().to_owned())
            .push(")");
    }
    if let Some(admin1) = &filter.admin1 {
        qb.push(" and exists (select 1 from incident_locations l where l.incident_id = i.id and lower(l.admin1) = lower(")
            .push_bind(admin1.clone())
            .push("))");
    }
    if let Some(b) = filter.bbox {
        qb.push(" and exists (select 1 from incident_locations l where l.incident_id = i.id and l.lon between ")
            .push_bind(b.min_lon)
            .push(" and ")
            .push_bind(b.max_lon)
            .push(" and l.lat between ")
            .push_bind(b.min_lat)
            .push(" and ")
            .push_bind(b.max_lat)
            .push(")");
    }
    push_matches(qb, "i.search", filter.q.as_deref());
}

/// What a page of incidents reads of each row: the document and the ids of the claims about
/// the incident (an [`IncidentRow`]).
pub(super) const INCIDENT_COLUMNS: &str =
    "i.doc, array(select c.id from claims c where c.incident_id = i.id order by c.id) as claims";

/// The incidents collection's list and count queries. A page finds its keys first, from
/// indexes alone (covering indexes hold what the filters read), then reads only those rows
/// whole: a filter that skips many rows skips index entries, not documents.
pub const INCIDENTS: ListQueries<IncidentFilter, IncidentRow, Incident> = ListQueries {
    table: "incidents i",
    columns: INCIDENT_COLUMNS,
    keys_first: true,
    filter: push_filter,
    record: Incident::from,
};

/// One incident, if it exists, with the ids of the claims about it.
#[tracing::instrument(skip(db))]
pub async fn get_incident(db: &Reader, id: &IncidentId) -> Result<Option<Incident>, sqlx::Error> {
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
    .fetch_optional(&mut *db.conn().await?)
    .await?;
    Ok(row.map(Incident::from))
}
