//! The timeline as served: the kinds of record a timeline entry can be.

use super::resource::Resource;

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
        match self {
            Self::Claim => Resource::Claims,
            Self::Incident => Resource::Incidents,
        }
    }
}

impl TryFrom<String> for TimelineEntryType {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s).ok_or_else(|| format!("`{s}` is not a timeline entry type"))
    }
}
