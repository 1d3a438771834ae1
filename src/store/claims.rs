//! Queries on claims.

use chrono::NaiveDate;
use sqlx::PgPool;
use sqlx::types::Json;

use super::After;
use crate::domain::{ActorId, Claim, ClaimId, ClaimKind, ClaimStatus, IncidentId};

/// Filters on the claims collection; `None` means "any".
#[derive(Debug, Clone, Default)]
pub struct ClaimFilter {
    pub claimant: Option<ActorId>,
    pub about: Option<ActorId>,
    pub kind: Option<ClaimKind>,
    pub status: Option<ClaimStatus>,
    pub incident: Option<IncidentId>,
    /// Claims whose date may fall on or after this day.
    pub from: Option<NaiveDate>,
    /// Claims whose date may fall on or before this day.
    pub to: Option<NaiveDate>,
}

/// One page of claims in chronological order (first possible day, then id), after `after`.
///
/// Date filters match on overlap: a claim dated `2026-02` matches `from=2026-02-15`.
#[tracing::instrument(skip(pool))]
pub async fn list_claims(
    pool: &PgPool,
    filter: &ClaimFilter,
    after: Option<&After<NaiveDate>>,
    limit: i64,
) -> Result<Vec<Claim>, sqlx::Error> {
    let rows = sqlx::query_scalar!(
        r#"
        select c.doc as "doc!: Json<Claim>"
        from claims c
        where ($1::text is null or c.claimant_id = $1)
          and ($2::text is null or exists (
                select 1 from claim_about a where a.claim_id = c.id and a.actor_id = $2))
          and ($3::text is null or c.kind = $3)
          and ($4::text is null or c.status = $4)
          and ($5::text is null or c.incident_id = $5)
          and ($6::date is null or c.made_end >= $6)
          and ($7::date is null or c.made_start <= $7)
          and ($8::date is null or (c.made_start, c.id) > ($8, $9::text))
        order by c.made_start, c.id
        limit $10
        "#,
        filter.claimant.as_ref().map(ActorId::as_str),
        filter.about.as_ref().map(ActorId::as_str),
        filter.kind.map(ClaimKind::as_str),
        filter.status.map(ClaimStatus::as_str),
        filter.incident.as_ref().map(IncidentId::as_str),
        filter.from,
        filter.to,
        after.map(|a| a.key),
        after.map(|a| a.id.as_str()),
        limit,
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|Json(c)| c).collect())
}

/// One claim, if it exists.
#[tracing::instrument(skip(pool))]
pub async fn get_claim(pool: &PgPool, id: &ClaimId) -> Result<Option<Claim>, sqlx::Error> {
    let row = sqlx::query_scalar!(
        r#"select doc as "doc!: Json<Claim>" from claims where id = $1"#,
        id.as_str(),
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|Json(c)| c))
}
