//! How many records of each resource the dataset holds.

use super::Resource;

/// How many records of each resource the database holds.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
pub struct Counts {
    pub actors: i64,
    pub sources: i64,
    pub claims: i64,
    pub incidents: i64,
    pub force_figures: i64,
}

impl Counts {
    /// The count of one resource.
    pub fn of(mut self, resource: Resource) -> i64 {
        *self.of_mut(resource)
    }

    /// The count of one resource, to change.
    pub fn of_mut(&mut self, resource: Resource) -> &mut i64 {
        match resource {
            Resource::Actors => &mut self.actors,
            Resource::Sources => &mut self.sources,
            Resource::Claims => &mut self.claims,
            Resource::Incidents => &mut self.incidents,
            Resource::ForceFigures => &mut self.force_figures,
        }
    }
}
