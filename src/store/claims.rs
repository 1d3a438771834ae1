//! Queries on claims.

use sqlx::{Postgres, QueryBuilder};

use super::{Reader, documents};

use super::keyset::{
    DateRange, DocQueries, KeyKind, ListQueries, Order, Sorted, doc, push_eq, push_matches,
    push_overlaps,
};
use crate::domain::{
    ActorId, Claim, ClaimId, ClaimKind, ClaimSort, ClaimStatus, IncidentId, Resource,
};

/// Filters on the claims collection; `None` means "any".
#[derive(Debug, Clone, Default)]
pub struct ClaimFilter {
    pub claimant: Option<ActorId>,
    pub about: Option<ActorId>,
    pub kind: Option<ClaimKind>,
    pub status: Option<ClaimStatus>,
    pub incident: Option<IncidentId>,
    /// Claims whose date may fall in this range.
    pub dates: DateRange,
    /// A full-text query (websearch syntax) over statement, quote, spokesperson and figures.
    pub q: Option<String>,
}

impl Sorted for ClaimSort {
    fn order(self) -> Order {
        match self {
            Self::MadeAt => Order::by("c.made_start", KeyKind::Date, "c.id", false),
            Self::MadeAtDesc => Order::by("c.made_start", KeyKind::Date, "c.id", true),
            Self::Id => Order::by_id("c.id", false),
            Self::IdDesc => Order::by_id("c.id", true),
        }
    }
}

/// Appends the `where` clause for `filter` (always starting with `where true`).
fn push_filter(qb: &mut QueryBuilder<'_, Postgres>, filter: &ClaimFilter) {
    qb.push(" where true");
    push_eq(
        qb,
        "c.claimant_id",
        filter.claimant.as_ref().map(ActorId::as_str),
    );
    push_eq(qb, "c.kind", filter.kind.map(ClaimKind::as_str));
    push_eq(qb, "c.status", filter.status.map(ClaimStatus::as_str));
    push_eq(
        qb,
        "c.incident_id",
        filter.incident.as_ref().map(IncidentId::as_str),
    );
    if let Some(about) = &filter.about {
        qb.push(
            " and exists (select 1 from claim_about a where a.claim_id = c.id and a.actor_id = ",
        )
        .push_bind(about.to_string())
        .push(")");
    }
    push_overlaps(qb, ("c.made_start", "c.made_end"), filter.dates);
    push_matches(qb, "c.search", filter.q.as_deref());
}

/// The claims collection's list and count queries. A page finds its keys first, from
/// indexes alone, then reads only those documents (as incidents do).
pub const CLAIMS: DocQueries<ClaimFilter, Claim> = ListQueries {
    table: "claims c",
    columns: "c.doc",
    keys_first: true,
    filter: push_filter,
    record: doc,
};

/// One claim, if it exists.
#[tracing::instrument(skip(db))]
pub async fn get_claim(db: &Reader, id: &ClaimId) -> Result<Option<Claim>, sqlx::Error> {
    documents::get(&mut *db.conn().await?, Resource::Claims, id.as_str()).await
}
