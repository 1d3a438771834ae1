//! `/v1/claims`: statements by the parties, each with its claimant, source and status.

use actix_web::get;
use serde::Deserialize;
use utoipa::IntoParams;

use super::format::JSON_CSV;
use super::listing::keyset_collection;
use super::listing::list_endpoint;
use super::listing::{Docs, Filters};
use super::params::{DateBound, SearchText, date_range};
use super::record::record_endpoint;
use crate::domain::ClaimSort;
use crate::domain::{ActorId, Claim, ClaimId, ClaimKind, ClaimStatus, IncidentId};
use crate::error::ApiError;
use crate::representation;
use crate::store;
use crate::store::claims::ClaimFilter;

keyset_collection! {
    /// The claims collection; each claim with its attribution sentence.
    Claims { Claim, ClaimPage: "A page of claims.", Claims, ClaimFilter, ClaimSort::MadeAt }
    queries: store::claims::CLAIMS, then: representation::attribute_claims;
    key: |c| c.made_at.start();
    formats: JSON_CSV;
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
    const DOCS: Docs = Docs::count(
        "`true` adds `meta.total`, the number of matching claims (costs a count query).",
    )
    .format("Response format; overrides `Accept`. CSV has one row per figure.");
    fn filter(&self) -> Result<ClaimFilter, ApiError> {
        Ok(ClaimFilter {
            claimant: self.claimant.clone(),
            about: self.about.clone(),
            kind: self.kind,
            status: self.status,
            incident: self.incident.clone(),
            dates: date_range(self.from.as_ref(), self.to.as_ref())?,
            q: self.q.clone().map(|q| q.0),
        })
    }
}

list_endpoint! {
    /// List claims
    ///
    /// Claims in chronological order (by the first day each may have been made, then id) unless
    /// `sort` says otherwise. Every claim names its claimant, sources and verification status;
    /// contradicting claims point at each other in `contradicted_by`; `attribution` is a sentence
    /// ready to print.
    list_claims: "/claims", "claims", ListClaimsParams,
    ok: "A page of claims (CSV: one row per figure)",
    content: [(ClaimPage = "application/json"), (String = "text/csv")]
}

record_endpoint! {
    /// Get a claim
    ///
    /// One claim in full: claimant, spokesperson and quote, when it was made, its figures with
    /// qualifiers as stated, sources, verification status, the claims contradicting it, and the
    /// `attribution` sentence.
    get_claim: "/claims/{id}", "claims", Claim, Claims(ClaimId),
    id: ("Claim id", "pakistan-claims-133-taliban-killed"), ok: "The claim",
    read: representation::claim
}
