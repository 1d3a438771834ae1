//! Full-text search as served: the kinds of record a search hit can be.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What kind of record a search hit is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum SearchHitType {
    /// An actor: `/v1/actors/{id}`.
    Actor,
    /// A claim: `/v1/claims/{id}`.
    Claim,
    /// An incident: `/v1/incidents/{id}`.
    Incident,
    /// A source: `/v1/sources/{id}`.
    Source,
}

impl SearchHitType {
    /// The name used in JSON, in cursors and in the query.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Actor => "actor",
            Self::Claim => "claim",
            Self::Incident => "incident",
            Self::Source => "source",
        }
    }

    /// The collection the record is served from, e.g. `claims` for `/v1/claims/{id}`.
    pub fn collection(self) -> &'static str {
        match self {
            Self::Actor => "actors",
            Self::Claim => "claims",
            Self::Incident => "incidents",
            Self::Source => "sources",
        }
    }
}

impl TryFrom<String> for SearchHitType {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        match s.as_str() {
            "actor" => Ok(Self::Actor),
            "claim" => Ok(Self::Claim),
            "incident" => Ok(Self::Incident),
            "source" => Ok(Self::Source),
            _ => Err(format!("`{s}` is not a search hit type")),
        }
    }
}
