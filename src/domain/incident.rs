//! Incidents: things that happened at a place and a time, with who took part.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ActorId, ClaimId, CountryCode, IncidentId, PartialDate, Sources};

string_enum! {
    /// What sort of event an incident is.
    pub enum IncidentKind {
        AirStrike = "air_strike",
        CrossBorderAttack = "cross_border_attack",
        BorderClash = "border_clash",
        SuicideBombing = "suicide_bombing",
        ArmedAssault = "armed_assault",
        MilitaryOperation = "military_operation",
        Ceasefire = "ceasefire",
        Mediation = "mediation",
        SeizureOfPower = "seizure_of_power",
    }
}

string_enum! {
    /// The part an actor played in an incident (as the sources state it).
    pub enum ActorRole {
        Perpetrator = "perpetrator",
        Target = "target",
        /// One side of a clash where the sources name no attacker.
        Party = "party",
        ClaimedResponsibility = "claimed_responsibility",
        Mediator = "mediator",
    }
}

string_enum! {
    /// How exactly a location's coordinates place the event.
    pub enum GeoPrecision {
        /// The coordinates are the place itself.
        Exact = "exact",
        /// Somewhere in the named town or city.
        Locality = "locality",
        /// Somewhere in the named district (admin2); coordinates are its centre.
        District = "district",
        /// Somewhere in the named province (admin1); coordinates are its centre.
        Province = "province",
        /// Somewhere along the named border; coordinates are a representative point on it.
        Border = "border",
        /// Somewhere in the country; coordinates are its centre.
        Country = "country",
    }
}

/// A place where an incident happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Location {
    pub name: String,
    /// Province or equivalent (first-level administrative division).
    pub admin1: Option<String>,
    /// District or equivalent (second-level administrative division).
    pub admin2: Option<String>,
    pub country: CountryCode,
    /// Latitude in decimal degrees (WGS 84).
    #[schema(minimum = -90, maximum = 90)]
    pub lat: f64,
    /// Longitude in decimal degrees (WGS 84).
    #[schema(minimum = -180, maximum = 180)]
    pub lon: f64,
    pub precision: GeoPrecision,
}

/// An actor's part in an incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentActor {
    pub actor: ActorId,
    pub role: ActorRole,
}

/// Something that happened at a place and a time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Incident {
    pub id: IncidentId,
    pub title: String,
    pub kind: IncidentKind,
    pub date: PartialDate,
    /// How the date was established, when the source does not give it outright.
    pub date_note: Option<String>,
    pub locations: Vec<Location>,
    pub actors: Vec<IncidentActor>,
    /// What happened, in Durand's own words.
    pub summary: String,
    /// Claims about this incident. Derived from each claim's `incident`: served, and checked
    /// rather than trusted on import.
    #[serde(default)]
    pub claims: Vec<ClaimId>,
    pub sources: Sources,
}

impl Incident {
    /// What is wrong with this incident on its own (references are checked by the dataset).
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for (i, l) in self.locations.iter().enumerate() {
            if !(-90.0..=90.0).contains(&l.lat) || !(-180.0..=180.0).contains(&l.lon) {
                problems.push(format!("locations[{i}]: coordinates out of range"));
            }
        }
        if self.actors.is_empty() {
            problems.push("an incident needs at least one actor".to_owned());
        }
        problems
    }
}
