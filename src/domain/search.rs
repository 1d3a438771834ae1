//! Full-text search as served: the kinds of record a search hit can be.

use super::resource::Resource;

string_enum! {
    /// What kind of record a search hit is.
    pub enum SearchHitType {
        /// An actor: `/v1/actors/{id}`.
        Actor = "actor",
        /// A claim: `/v1/claims/{id}`.
        Claim = "claim",
        /// An incident: `/v1/incidents/{id}`.
        Incident = "incident",
        /// A source: `/v1/sources/{id}`.
        Source = "source",
    }
}

impl SearchHitType {
    /// The collection the record is served from, e.g. `claims` for `/v1/claims/{id}`.
    pub fn collection(self) -> Resource {
        match self {
            Self::Actor => Resource::Actors,
            Self::Claim => Resource::Claims,
            Self::Incident => Resource::Incidents,
            Self::Source => Resource::Sources,
        }
    }
}
