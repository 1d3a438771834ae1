//! `/v1/claims`: statements by the parties, each with its claimant, source and status.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::IntoParams;

use super::as_of::{AsOfParams, Db};
use super::format::{Format, JSON_CSV};
use super::listing::{self, Collection, Docs, Filters, ListParams, keyset_after};
use super::pagination::page_type;
use super::params::{DateBound, SearchText, date_range};
use crate::domain::ClaimSort;
use crate::domain::{ActorId, Claim, ClaimId, ClaimKind, ClaimStatus, IncidentId, Resource};
use crate::error::ApiError;
use crate::extract::Params;
use crate::representation;
use crate::store;
use crate::store::Reader;
use crate::store::claims::ClaimFilter;
use crate::store::keyset::Position;
use crate::store::keyset::Sorted;

page_type!(
    /// A page of claims.
    ClaimPage,
    Claim
);

/// The claims collection; each claim with its attribution sentence.
pub struct Claims;

impl Collection for Claims {
    type Item = Claim;
    type Filter = ClaimFilter;
    type Sort = ClaimSort;
    type After = Position;
    type Page = ClaimPage;
    const NAME: &'static str = "claims";
    const FORMATS: &'static [Format] = JSON_CSV;
    const DEFAULT_SORT: ClaimSort = ClaimSort::MadeAt;

    fn sort_name(sort: ClaimSort) -> &'static str {
        sort.as_str()
    }
    fn sort_schema() -> Option<std::borrow::Cow<'static, str>> {
        Some(<ClaimSort as utoipa::ToSchema>::name())
    }
    fn after(sort: ClaimSort, cursor: Option<&str>) -> Result<Option<Position>, ApiError> {
        keyset_after::<Self>(sort, &sort.order(), cursor)
    }
    async fn read(
        reader: &Reader,
        filter: &ClaimFilter,
        sort: ClaimSort,
        after: Option<&Position>,
        limit: i64,
    ) -> Result<Vec<Claim>, ApiError> {
        let mut rows = store::claims::list_claims(reader, filter, sort, after, limit).await?;
        representation::attribute_claims(reader, &mut rows).await?;
        Ok(rows)
    }
    fn key(sort: ClaimSort, c: &Claim) -> (Vec<Value>, String) {
        let key = match sort {
            ClaimSort::MadeAt | ClaimSort::MadeAtDesc => vec![json!(c.made_at.start())],
            ClaimSort::Id | ClaimSort::IdDesc => Vec::new(),
        };
        (key, c.id.to_string())
    }
    async fn count(reader: &Reader, filter: &ClaimFilter) -> Result<Option<i64>, ApiError> {
        Ok(Some(store::claims::count_claims(reader, filter).await?))
    }
}

/// Filters of `GET /v1/claims`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListClaimsParams {
    /// Only claims made by this actor.
    #[param(example = "pakistan")]
    claimant: Option<ActorId>,
    /// Only claims about this actor.
    #[param(example = "afghan-taliban")]
    about: Option<ActorId>,
    /// Only claims of this kind.
    kind: Option<ClaimKind>,
    /// Only claims with this verification status.
    status: Option<ClaimStatus>,
    /// Only claims about this incident.
    incident: Option<IncidentId>,
    /// Claims that may have been made on or after this date (`YYYY`, `YYYY-MM` or
    /// `YYYY-MM-DD`; a partial date means its first day). Matches on overlap, so a claim
    /// dated `2026-02` matches `from=2026-02-15`.
    #[param(example = "2026-02-01")]
    from: Option<DateBound>,
    /// Claims that may have been made on or before this date (a partial date means its last day).
    #[param(example = "2026-02-28")]
    to: Option<DateBound>,
    /// Full-text search in the statement, quote, spokesperson and figures (web-search syntax:
    /// words, "quoted phrases", `or`, `-excluded`).
    #[param(example = "soldiers")]
    q: Option<SearchText>,
}

impl Filters for ListClaimsParams {
    type Of = Claims;
    const DOCS: Docs = Docs {
        count: "`true` adds `meta.total`, the number of matching claims (costs a count query).",
        format: "Response format; overrides `Accept`. CSV has one row per figure.",
        ..Docs::sorted("Sort order (default `made_at`); `-` for descending; ties broken by id.")
    };
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
            q: self.q.clone().map(|q| q.0),
        })
    }
}

/// List claims
///
/// Claims in chronological order (by the first day each may have been made, then id) unless
/// `sort` says otherwise. Every claim names its claimant, sources and verification status;
/// contradicting claims point at each other in `contradicted_by`; `attribution` is a sentence
/// ready to print.
#[utoipa::path(
    tag = "claims",
    params(ListParams<ListClaimsParams>),
    responses(
        (status = 200, description = "A page of claims (CSV: one row per figure)",
            content((ClaimPage = "application/json"), (String = "text/csv")),
            headers(("Link" = String, description = "RFC 8288 link to the next page, when there is one"))),
        super::responses::ListErrors,
    )
)]
#[get("/claims")]
pub async fn list_claims(
    req: HttpRequest,
    db: Db,
    params: ListParams<ListClaimsParams>,
) -> Result<HttpResponse, ApiError> {
    let pool = db.at(params.as_of()).await?;
    let filter = params.filters.filter()?;
    listing::respond(&req, &pool, filter, params).await
}

/// Get a claim
///
/// One claim in full: claimant, spokesperson and quote, when it was made, its figures with
/// qualifiers as stated, sources, verification status, the claims contradicting it, and the
/// `attribution` sentence.
#[utoipa::path(
    tag = "claims",
    params(("id" = String, Path, description = "Claim id", example = "pakistan-claims-133-taliban-killed"), AsOfParams),
    responses(
        (status = 200, description = "The claim", body = Claim),
        super::responses::RecordErrors,
    )
)]
#[get("/claims/{id}")]
pub async fn get_claim(
    db: Db,
    id: web::Path<String>,
    Params(params): Params<AsOfParams>,
    _: super::format::JsonOnly,
) -> Result<web::Json<Claim>, ApiError> {
    let pool = db.at(params.as_of).await?;
    let not_found = || ApiError::NotFound(format!("No claim has the id `{id}`."));
    let claim_id = ClaimId::parse(id.as_str()).map_err(|_| not_found())?;
    let Some(claim) = representation::claim(&pool, &claim_id).await? else {
        return Err(pool.missing(Resource::Claims, &id, not_found()).await);
    };
    Ok(web::Json(claim))
}
