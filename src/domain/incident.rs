//! Incidents: things that happened at a place and a time, with who took part.

use super::evidence::evidenced;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::evidence::{self, DateBasis};
use super::problem::{self, Problem};
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
        /// A ceasefire or truce breaking down.
        CeasefireCollapse = "ceasefire_collapse",
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
    /// How exactly the source places an event, and what a point (if any) stands for, after
    /// the conflict-data codebooks (UCDP `where_prec`, ACLED `geo_precision`). Only a named
    /// place can have a point; where the source names none, there is none.
    pub enum GeoPrecision {
        /// The named site itself; the point is the site.
        Exact = "exact",
        /// Somewhere in the named town or city; the point is a representative point of it.
        Locality = "locality",
        /// Somewhere in the named district (admin2); the point is a representative point of
        /// the district, not where the event happened.
        District = "district",
        /// Somewhere in the named province (admin1); the point is a representative point of
        /// the province, not where the event happened.
        Province = "province",
        /// Somewhere in a named region without set bounds ("northwest Pakistan", "the Swat
        /// Valley"): no point.
        Region = "region",
        /// Somewhere along a border, place not named ("along the border"): no point.
        Border = "border",
        /// Somewhere in the country; the point is a representative point of the country.
        Country = "country",
    }
}

impl GeoPrecision {
    /// Whether a location of this precision may have a point: only a named site, town,
    /// district, province or country has one; a region or a stretch of border does not.
    pub fn allows_point(self) -> bool {
        !matches!(self, Self::Region | Self::Border)
    }

    /// What a point of this precision stands for, in words (GeoJSON `properties.represents`).
    pub fn represents(self) -> &'static str {
        match self {
            Self::Exact => "the site itself",
            Self::Locality => "a representative point of the named town or city",
            Self::District => "a representative point of the named district",
            Self::Province => "a representative point of the named province",
            Self::Country => "a representative point of the country",
            Self::Region | Self::Border => "no point",
        }
    }
}

evidenced! {
    /// A place where an incident happened (or that an actor is tied to), with its precision.
    ///
    /// `lat`/`lon` are both set or both null: null where the source names no place that has a
    /// point (`precision` `border` or `region`); otherwise, for `district`, `province`, `locality`
    /// and `country`, a representative point of the named area, not where the event happened.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
    #[serde(deny_unknown_fields)]
    pub struct Location {
        /// The place as the source describes it ("along the border", "Bajaur").
        #[schema(min_length = 1, pattern = r"\S")]
        pub name: String,
        /// Province or equivalent (first-level administrative division).
        pub admin1: Option<String>,
        /// District or equivalent (second-level administrative division).
        pub admin2: Option<String>,
        /// The country; null for a place along a border between countries.
        pub country: Option<CountryCode>,
        /// Latitude in decimal degrees (WGS 84); null when the place has no point.
        #[schema(minimum = -90, maximum = 90)]
        pub lat: Option<f64>,
        /// Longitude in decimal degrees (WGS 84); null when the place has no point.
        #[schema(minimum = -180, maximum = 180)]
        pub lon: Option<f64>,
        pub precision: GeoPrecision,
        /// The claim whose words place the event here, when only one party's claim does (the
        /// strikes on Kabul, Paktia and Kandahar are Pakistan's account).
        pub according_to: Option<ClaimId>,
    }
    /// The sources' words that name the place.
    evidence;
    /// What Durand inferred about the place (its province, its country, its point), and why.
    inference;
}

impl Location {
    /// The point as `(lon, lat)`, when the place has one.
    pub fn point(&self) -> Option<(f64, f64)> {
        self.lon.zip(self.lat)
    }

    /// What the point stands for, or "no point" when the place has none.
    pub fn represents(&self) -> &'static str {
        match self.point() {
            Some(_) => self.precision.represents(),
            None => "no point",
        }
    }

    /// What is wrong with this place on its own.
    pub fn problems(&self, sources: &Sources) -> Vec<Problem> {
        let mut problems = problem::blank(&[("name", &self.name)]);
        problems.extend(evidence::problems(self, sources));
        match (self.lat, self.lon) {
            (Some(lat), Some(lon)) => {
                if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
                    problems.push(Problem::at("/lat", "coordinates out of range"));
                }
                if !self.precision.allows_point() {
                    problems.push(Problem::at(
                        "/lat",
                        format!(
                            "a place of precision `{}` has no point: the source names no place to put one (set `lat` and `lon` to null)",
                            self.precision
                        ),
                    ));
                }
            }
            (None, None) => {}
            (None, Some(_)) => problems.push(Problem::at(
                "/lat",
                "`lat` and `lon` are both set or both null",
            )),
            (Some(_), None) => problems.push(Problem::at(
                "/lon",
                "`lat` and `lon` are both set or both null",
            )),
        }
        problems
    }
}

/// An actor's part in an incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentActor {
    pub actor: ActorId,
    pub role: ActorRole,
}

evidenced! {
    /// Something that happened at a place and a time.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
    #[serde(deny_unknown_fields)]
    pub struct Incident {
        pub id: IncidentId,
        #[schema(min_length = 1, pattern = r"\S")]
        pub title: String,
        pub kind: IncidentKind,
        pub date: PartialDate,
        /// Where `date`'s bounds come from: the source, or (`estimated`) Durand. Null when not
        /// recorded (every record of the curated dataset has one).
        pub date_basis: Option<DateBasis>,
        /// How the date was established, when the source does not give it outright.
        pub date_note: Option<String>,
        pub locations: Vec<Location>,
        pub actors: Vec<IncidentActor>,
        /// What happened, in Durand's own words; what only one party says is attributed to it.
        #[schema(min_length = 1, pattern = r"\S")]
        pub summary: String,
        /// Claims about this incident. Derived from each claim's `incident`: served, and checked
        /// rather than trusted on import.
        #[serde(default)]
        pub claims: Vec<ClaimId>,
        pub sources: Sources,
    }
    /// The sources' words behind the incident: what happened, when, who took part.
    evidence;
    /// What Durand inferred beyond those words (a date, a party's role), and why.
    inference;
}

impl Incident {
    /// What is wrong with this incident on its own (references are checked by the dataset).
    pub fn problems(&self) -> Vec<Problem> {
        let mut problems = problem::blank(&[("title", &self.title), ("summary", &self.summary)]);
        problems.extend(problem::each("/locations", &self.locations, |l| {
            l.problems(&self.sources)
        }));
        if self.actors.is_empty() {
            problems.push(Problem::at(
                "/actors",
                "an incident needs at least one actor",
            ));
        }
        problems.extend(evidence::dated_problems(
            self,
            &self.sources,
            "date",
            self.date_basis,
        ));
        problems
    }
}
