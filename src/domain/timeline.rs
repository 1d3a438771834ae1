//! The timeline as served: the kinds of record a timeline entry can be.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What kind of record a timeline entry is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum TimelineEntryType {
    /// A claim, dated by when it was made: `/v1/claims/{id}`.
    Claim,
    /// An incident, dated by when it happened: `/v1/incidents/{id}`.
    Incident,
}

impl TimelineEntryType {
    /// The name used in JSON, in cursors and in the query.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Claim => "claim",
            Self::Incident => "incident",
        }
    }

    /// The collection the record is served from.
    pub fn collection(self) -> &'static str {
        match self {
            Self::Claim => "claims",
            Self::Incident => "incidents",
        }
    }
}

impl TryFrom<String> for TimelineEntryType {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        match s.as_str() {
            "claim" => Ok(Self::Claim),
            "incident" => Ok(Self::Incident),
            _ => Err(format!("`{s}` is not a timeline entry type")),
        }
    }
}
