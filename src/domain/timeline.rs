//! The timeline as served: the kinds of record a timeline entry can be.

use super::resource::Resource;
use super::search::SearchHitType;

string_enum! {
    /// What kind of record a timeline entry is.
    pub enum TimelineEntryType {
        /// A claim, dated by when it was made: `/v1/claims/{id}`.
        Claim = "claim",
        /// An incident, dated by when it happened: `/v1/incidents/{id}`.
        Incident = "incident",
    }
}

impl TimelineEntryType {
    /// The collection the record is served from.
    pub fn collection(self) -> Resource {
        SearchHitType::from(self).collection()
    }
}

/// Every kind of timeline entry is a kind of record search finds too.
impl From<TimelineEntryType> for SearchHitType {
    fn from(kind: TimelineEntryType) -> Self {
        match kind {
            TimelineEntryType::Claim => Self::Claim,
            TimelineEntryType::Incident => Self::Incident,
        }
    }
}
