//! `/v1/claims`: statements by the parties, each with its claimant, source and status.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::IntoParams;

use super::pagination::{Cursor, Page, page_type};
use super::params::{DateBound, Limit, date_range};
use crate::domain::{ActorId, Claim, ClaimId, ClaimKind, ClaimStatus, IncidentId};
use crate::error::{ApiError, BadRequest, InternalError, NotFound, Unavailable};
use crate::extract::Params;
use crate::store;
use crate::store::claims::ClaimFilter;

page_type!(
    /// A page of claims.
    ClaimPage,
    Claim
);

/// Query parameters of `GET /v1/claims`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListClaimsParams {
    /// Only claims made by this actor.
    #[param(value_type = Option<String>, example = "pakistan")]
    claimant: Option<ActorId>,
    /// Only claims about this actor.
    #[param(value_type = Option<String>, example = "afghan-taliban")]
    about: Option<ActorId>,
    /// Only claims of this kind.
    kind: Option<ClaimKind>,
    /// Only claims with this verification status.
    status: Option<ClaimStatus>,
    /// Only claims about this incident.
    #[param(value_type = Option<String>)]
    incident: Option<IncidentId>,
    /// Claims that may have been made on or after this date (`YYYY`, `YYYY-MM` or
    /// `YYYY-MM-DD`; a partial date means its first day). Matches on overlap, so a claim
    /// dated `2026-02` matches `from=2026-02-15`.
    #[param(value_type = Option<String>, example = "2026-02-01")]
    from: Option<DateBound>,
    /// Claims that may have been made on or before this date (a partial date means its last day).
    #[param(value_type = Option<String>, example = "2026-02-28")]
    to: Option<DateBound>,
    /// Page size, 1 to 500.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500, default = 50)]
    limit: Option<Limit>,
    /// Opaque cursor from `meta.next_cursor` of the previous page.
    cursor: Option<String>,
}

impl ListClaimsParams {
    /// The store filter these parameters ask for.
    fn filter(&self) -> Result<ClaimFilter, ApiError> {
        let (from, to) = date_range(self.from.as_ref(), self.to.as_ref())?;
        Ok(ClaimFilter {
            claimant: self.claimant.clone(),
            about: self.about.clone(),
            kind: self.kind,
            status: self.status,
            incident: self.incident.clone(),
            from,
            to,
        })
    }
}

/// Lists claims matching `filter` as one page of the response.
pub(super) async fn claims_page(
    req: &HttpRequest,
    pool: &PgPool,
    filter: &ClaimFilter,
    limit: Option<Limit>,
    cursor: Option<&str>,
) -> Result<HttpResponse, ApiError> {
    let limit = Limit::or_default(limit);
    let after = Cursor::decode("claims", "made_at", cursor)?
        .map(|c| {
            Ok::<_, ApiError>(store::After {
                key: c.key_as::<chrono::NaiveDate>("claims", 0)?,
                id: c.id,
            })
        })
        .transpose()?;
    let rows =
        store::claims::list_claims(pool, filter, after.as_ref(), i64::from(limit) + 1).await?;
    Ok(Page::new(
        req,
        rows,
        limit,
        |r: &Claim| (vec![serde_json::json!(r.made_at.start())], r.id.to_string()),
        "claims",
        "made_at",
    )
    .respond_json::<ClaimPage>())
}

/// List claims
///
/// Claims in chronological order (by the first day each may have been made, then id). Every
/// claim names its claimant, sources and verification status; contradicting claims point at
/// each other in `contradicted_by`.
#[utoipa::path(
    tag = "claims",
    params(ListClaimsParams),
    responses(
        (status = 200, description = "A page of claims", body = ClaimPage,
            headers(("Link" = String, description = "RFC 8288 link to the next page, when there is one"))),
        (status = 400, response = BadRequest),
        (status = 500, response = InternalError),
        (status = 503, response = Unavailable),
    )
)]
#[get("/claims")]
pub async fn list_claims(
    req: HttpRequest,
    pool: web::Data<PgPool>,
    Params(params): Params<ListClaimsParams>,
) -> Result<HttpResponse, ApiError> {
    let filter = params.filter()?;
    claims_page(&req, &pool, &filter, params.limit, params.cursor.as_deref()).await
}

/// Get a claim
#[utoipa::path(
    tag = "claims",
    params(("id" = String, Path, description = "Claim id", example = "pakistan-claims-133-taliban-killed")),
    responses(
        (status = 200, description = "The claim", body = Claim),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
        (status = 503, response = Unavailable),
    )
)]
#[get("/claims/{id}")]
pub async fn get_claim(
    pool: web::Data<PgPool>,
    id: web::Path<String>,
) -> Result<web::Json<Claim>, ApiError> {
    let not_found = || ApiError::NotFound(format!("No claim has the id `{id}`."));
    let claim_id = ClaimId::parse(id.as_str()).map_err(|_| not_found())?;
    store::claims::get_claim(&pool, &claim_id)
        .await?
        .map(web::Json)
        .ok_or_else(not_found)
}
