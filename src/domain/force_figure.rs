//! Force-strength figures: one number about one actor's forces, with who stated it and when.

use super::evidence::evidenced;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::evidence::{self, DateBasis};
use super::figure::amount_problems;
use super::{ActorId, ForceFigureId, PartialDate, Problem, Qualifier, Sources};

string_enum! {
    /// What a force figure counts.
    pub enum ForceMetric {
        ActivePersonnel = "active_personnel",
        ArmouredFightingVehicles = "armoured_fighting_vehicles",
        CombatAircraft = "combat_aircraft",
        Aircraft = "aircraft",
        Helicopters = "helicopters",
        FighterJets = "fighter_jets",
        /// Whether the actor has nuclear weapons: `unquantified`, with `text`.
        NuclearArmed = "nuclear_armed",
        /// Whether the actor has an effective air force: `unquantified`, with `text`.
        EffectiveAirForce = "effective_air_force",
    }
}

evidenced! {
    /// One force-strength number, attributed to whoever published it and dated to what it describes.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
    #[serde(deny_unknown_fields)]
    #[schema(example = json!({
        "id": "pakistan-active-personnel-2025", "actor": "pakistan", "claimant": "iiss",
        "metric": "active_personnel", "value": 600000, "qualifier": "more_than", "unit": "people",
        "text": "more than 600,000 active personnel", "caveat": null,
        "as_of": {"value": "2025", "precision": "year", "start": "2025-01-01", "end": "2025-12-31"},
        "as_of_basis": "stated", "note": null, "sources": ["iiss-2025", "explainer-2026-02-27"],
        "evidence": [{"source": "explainer-2026-02-27", "span": "more than 600,000 active personnel", "supports": "value"}],
        "inference": null
    }))]
    pub struct ForceFigure {
        pub id: ForceFigureId,
        /// Whose forces are counted.
        pub actor: ActorId,
        /// Who stated the number: the publisher of the data, or the source in its own voice.
        pub claimant: ActorId,
        pub metric: ForceMetric,
        /// The number as stated; null for `unquantified` figures.
        #[schema(minimum = 0)]
        pub value: Option<i64>,
        pub qualifier: Qualifier,
        pub unit: Option<String>,
        /// The amount as the source put it.
        pub text: Option<String>,
        /// What the source says limits the number, in its words ("their condition is unknown").
        pub caveat: Option<String>,
        /// The period the number describes; `../2026-02-27` when the source gives the number
        /// undated (it held by the source's date, from when is not said).
        pub as_of: PartialDate,
        /// Where `as_of`'s bounds come from: the source, or (`estimated`) Durand. Null when not
        /// recorded (every record of the curated dataset has one).
        pub as_of_basis: Option<DateBasis>,
        pub note: Option<String>,
        pub sources: Sources,
    }
    /// The sources' words behind the number, its qualifier, its claimant and its date.
    evidence;
    /// What Durand inferred beyond those words (the metric, the period), and why.
    inference;
    then {
        /// A sentence a newsroom can print as is: who published the number, for which period,
        /// and the source. Generated from the data on every read; never stored, ignored on import.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub attribution: Option<String>,
    }
}

impl ForceFigure {
    /// What is wrong with this figure on its own (references are checked by the dataset).
    pub fn problems(&self) -> Vec<Problem> {
        let mut problems = amount_problems(self.value, self.qualifier, self.text.as_deref());
        problems.extend(evidence::dated_problems(
            self,
            &self.sources,
            "as_of",
            self.as_of_basis,
        ));
        problems
    }
}
