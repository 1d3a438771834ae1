//! Actors: states, de facto governments, armed groups, coalitions, organisations and media.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ActorId, CountryCode, PartialDate, Sources};

string_enum! {
    /// What sort of actor this is.
    pub enum ActorKind {
        State = "state",
        DeFactoGovernment = "de_facto_government",
        ArmedGroup = "armed_group",
        Coalition = "coalition",
        Organisation = "organisation",
        /// A news organisation, or "press reports" standing for figures a source states in
        /// its own voice without naming who gave them.
        Media = "media",
    }
}

string_enum! {
    /// How two actors stand to each other.
    pub enum RelationKind {
        StrategicPartnership = "strategic_partnership",
        ArmedConflict = "armed_conflict",
        FoughtAlongside = "fought_alongside",
    }
}

/// A relation from one actor to another, as the sources describe it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Relation {
    /// The other actor.
    pub actor: ActorId,
    pub kind: RelationKind,
    pub since: Option<PartialDate>,
    pub until: Option<PartialDate>,
    pub note: Option<String>,
    pub sources: Sources,
}

/// A party to the conflict or around it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    pub id: ActorId,
    pub name: String,
    /// Other names the sources use.
    pub aliases: Vec<String>,
    pub kind: ActorKind,
    /// Where the actor is based, for states and groups tied to one country.
    pub country: Option<CountryCode>,
    pub founded: Option<PartialDate>,
    /// A summary in Durand's own words.
    pub description: String,
    pub relations: Vec<Relation>,
    pub sources: Sources,
}
