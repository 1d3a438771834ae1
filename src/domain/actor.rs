//! Actors: states, de facto governments, armed groups, coalitions, organisations and media,
//! and the voices a source reports without naming (its own, unnamed officials, analysts).

use super::evidence::evidenced;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::evidence::{self};
use super::problem::{self, Problem};
use super::{ActorId, CountryCode, Location, PartialDate, Sources};

string_enum! {
    /// What sort of actor this is.
    pub enum ActorKind {
        State = "state",
        DeFactoGovernment = "de_facto_government",
        ArmedGroup = "armed_group",
        Coalition = "coalition",
        Organisation = "organisation",
        /// A news organisation.
        Media = "media",
        /// The source itself, speaking in its own voice: a claim by this actor is something
        /// the publication states without saying who supplied it (a toll, its own analysis).
        SourceVoice = "source_voice",
        /// People or bodies the source describes but does not name ("the officials",
        /// "analysts", "conflict monitoring data").
        Unnamed = "unnamed",
    }
}

string_enum! {
    /// How two actors stand to each other.
    pub enum RelationKind {
        /// Seen as, or acting as, strategic partners.
        StrategicPartnership = "strategic_partnership",
        ArmedConflict = "armed_conflict",
        FoughtAlongside = "fought_alongside",
        /// Gave the other's fighters shelter on its ground.
        HostedFighters = "hosted_fighters",
    }
}

string_enum! {
    /// Whether a relation still holds, as far as the sources say.
    pub enum RelationState {
        /// Holds at the time of the latest source.
        Ongoing = "ongoing",
        /// Over; `until` says when where a source does, and is null when it does not.
        Ended = "ended",
        /// The sources do not say whether it still holds.
        Unknown = "unknown",
    }
}

evidenced! {
    /// A relation from one actor to another, as the sources describe it.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
    #[serde(deny_unknown_fields)]
    pub struct Relation {
        /// The other actor.
        pub actor: ActorId,
        pub kind: RelationKind,
        /// When it began, only where a source says; null: the sources do not date its start.
        pub since: Option<PartialDate>,
        /// When it ended, only where a source says; null with `state: ended` means "ended, date
        /// not given".
        pub until: Option<PartialDate>,
        /// Whether it still holds. Required in new records; null only in versions written before
        /// it existed.
        pub state: Option<RelationState>,
        pub note: Option<String>,
        pub sources: Sources,
    }
    /// The sources' words behind the relation.
    evidence;
    /// What Durand inferred about the relation beyond those words, and why.
    inference;
}

impl Relation {
    /// What is wrong with this relation on its own.
    pub fn problems(&self) -> Vec<Problem> {
        let mut problems = evidence::problems(self, &self.sources);
        match (self.state, &self.until) {
            (None, _) => problems.push(Problem::at(
                "/state",
                "`state` is required: say whether the relation is `ongoing`, `ended` or `unknown` (a null `until` alone reads as still in force)",
            )),
            (Some(state), Some(_)) if state != RelationState::Ended => problems.push(Problem::at(
                "/state",
                format!("a relation with `until` has ended: `state` must be `ended`, not `{state}`"),
            )),
            _ => {}
        }
        if let (Some(since), Some(until)) = (&self.since, &self.until)
            && since.start() > until.end()
        {
            problems.push(Problem::at("/since", "`since` is after `until`"));
        }
        problems
    }
}

string_enum! {
    /// How a place is tied to an actor.
    pub enum PlaceTie {
        /// Where the actor was formed, or where those who formed it were active.
        Origin = "origin",
        /// Where the actor has gained or held territory.
        Territory = "territory",
        /// Where the actor is said to operate from (see the place's `according_to`).
        Base = "base",
    }
}

/// A place tied to an actor, with its precision and the words behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActorPlace {
    pub tie: PlaceTie,
    pub location: Location,
}

evidenced! {
    /// A party to the conflict or around it.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
    #[serde(deny_unknown_fields)]
    pub struct Actor {
        pub id: ActorId,
        #[schema(min_length = 1, pattern = r"\S")]
        pub name: String,
        /// Other names the sources use.
        pub aliases: Vec<String>,
        pub kind: ActorKind,
        /// Where the actor is based, for states and groups tied to one country.
        pub country: Option<CountryCode>,
        pub founded: Option<PartialDate>,
        /// A summary in Durand's own words.
        #[schema(min_length = 1, pattern = r"\S")]
        pub description: String,
        pub relations: Vec<Relation>,
        /// Places the sources tie the actor to (where it was formed, holds ground, operates from).
        #[serde(default)]
        pub places: Vec<ActorPlace>,
        pub sources: Sources,
    }
    /// The sources' words behind the description, name and founding date.
    evidence;
    /// What Durand inferred about the actor beyond those words, and why.
    inference;
}

impl Actor {
    /// What is wrong with this actor on its own (references are checked by the dataset),
    /// with the field each problem is at.
    pub fn problems(&self) -> Vec<Problem> {
        let mut problems =
            problem::blank(&[("name", &self.name), ("description", &self.description)]);
        problems.extend(evidence::problems(self, &self.sources));
        problems.extend(problem::each("/relations", &self.relations, |r| {
            let mut problems = r.problems();
            if r.actor == self.id {
                problems.push(Problem::at("/actor", "an actor cannot relate to itself"));
            }
            problems
        }));
        problems.extend(problem::each("/places", &self.places, |p| {
            problem::within(p.location.problems(&self.sources), "/location")
        }));
        problems
    }
}
