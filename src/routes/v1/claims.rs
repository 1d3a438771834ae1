//! `/v1/claims`: statements by the parties, each with its claimant, source and status.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use serde_json::{Value, json};

use super::as_of::{AsOfParams, Db};
use utoipa::IntoParams;

use super::download;
use super::format::{Format, JSON_CSV, negotiate};
use super::pagination::{self, Chunk, Listing, Page, page_type};
use super::params::{DateBound, Limit, SearchText, date_range};
use crate::domain::{ActorId, AsOf, Claim, ClaimId, ClaimKind, ClaimStatus, IncidentId, Resource};
use crate::error::{
    ApiError, BadRequest, Gone, InternalError, NotAcceptable, NotFound, TooManyRequests,
    Unavailable,
};
use crate::extract::Params;
use crate::representation;
use crate::store;
use crate::store::Reader;
use crate::store::claims::{ClaimFilter, ClaimSort};

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
    /// Sort order (default `made_at`); `-` for descending; ties broken by id.
    sort: Option<ClaimSort>,
    /// `true` adds `meta.total`, the number of matching claims (costs a count query).
    count: Option<bool>,
    /// Response format; overrides `Accept`. CSV has one row per figure.
    #[param(value_type = Option<super::format::TabularFormat>)]
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
            q: self.q.clone().map(|q| q.0),
        })
    }
}

fn sort_key(sort: ClaimSort, c: &Claim) -> Vec<Value> {
    match sort {
        ClaimSort::MadeAt | ClaimSort::MadeAtDesc => vec![json!(c.made_at.start())],
        ClaimSort::Id | ClaimSort::IdDesc => Vec::new(),
    }
}

/// Lists claims matching `filter`: one page, or every one (CSV without `limit`).
pub(super) async fn claims_page(
    req: &HttpRequest,
    pool: &Reader,
    filter: &ClaimFilter,
    listing: Listing<'_, ClaimSort>,
) -> Result<HttpResponse, ApiError> {
    let format = negotiate(req, listing.format, JSON_CSV)?;
    let sort = listing.sort.unwrap_or(ClaimSort::MadeAt);
    let owned = filter.clone();
    let fetch = move |reader: Reader, cursor: Option<String>, limit: u32| {
        let filter = owned.clone();
        async move {
            let after =
                pagination::position("claims", sort.as_str(), &sort.order(), cursor.as_deref())?;
            let mut rows = store::claims::list_claims(
                &reader,
                &filter,
                sort,
                after.as_ref(),
                i64::from(limit) + 1,
            )
            .await?;
            representation::attribute_claims(&reader, &mut rows).await?;
            Ok(Chunk::new(
                rows,
                limit,
                |c: &Claim| (sort_key(sort, c), c.id.to_string()),
                "claims",
                sort.as_str(),
            ))
        }
    };
    let cursor = listing.cursor.map(str::to_owned);
    if download::is_whole(format, listing.limit) {
        return download::respond(req, pool, format, "claims", cursor, fetch).await;
    }
    let limit = Limit::or_default(listing.limit);
    let chunk = fetch(pool.clone(), cursor, limit).await?;
    let total = match listing.count {
        Some(true) => Some(store::claims::count_claims(pool, filter).await?),
        _ => None,
    };
    let page = Page::from_chunk(req, chunk, limit).with_total(total);
    Ok(pagination::respond::<_, ClaimPage>(page, format, "claims"))
}

/// List claims
///
/// Claims in chronological order (by the first day each may have been made, then id) unless
/// `sort` says otherwise. Every claim names its claimant, sources and verification status;
/// contradicting claims point at each other in `contradicted_by`; `attribution` is a sentence
/// ready to print.
#[utoipa::path(
    tag = "claims",
    params(ListClaimsParams),
    responses(
        (status = 200, description = "A page of claims (CSV: one row per figure)",
            content((ClaimPage = "application/json"), (String = "text/csv")),
            headers(("Link" = String, description = "RFC 8288 link to the next page, when there is one"))),
        (status = 400, response = BadRequest),
        (status = 406, response = NotAcceptable),
        (status = 429, response = TooManyRequests),
        (status = 500, response = InternalError),
        (status = 503, response = Unavailable),
    )
)]
#[get("/claims")]
pub async fn list_claims(
    req: HttpRequest,
    db: Db,
    Params(params): Params<ListClaimsParams>,
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
    claims_page(&req, &pool, &filter, listing).await
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
        (status = 400, response = BadRequest),
        (status = 406, response = crate::error::NotAcceptable),
        (status = 404, response = NotFound),
        (status = 410, response = Gone),
        (status = 429, response = TooManyRequests),
        (status = 500, response = InternalError),
        (status = 503, response = Unavailable),
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
