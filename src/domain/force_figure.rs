//! Force-strength figures: one number about one actor's forces, with who stated it and when.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::figure::amount_problems;
use super::{ActorId, ForceFigureId, PartialDate, Qualifier, Sources};

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
    }
}

/// One force-strength number, attributed to whoever published it and dated to what it describes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "id": "pakistan-active-personnel-2025", "actor": "pakistan", "claimant": "iiss",
    "metric": "active_personnel", "value": 600000, "qualifier": "more_than", "unit": "people",
    "text": "more than 600,000 active personnel",
    "as_of": {"value": "2025", "precision": "year", "start": "2025-01-01", "end": "2025-12-31"},
    "note": null, "sources": ["iiss-2025", "explainer-2026-02-27"]
}))]
pub struct ForceFigure {
    pub id: ForceFigureId,
    /// Whose forces are counted.
    pub actor: ActorId,
    /// Who published the number.
    pub claimant: ActorId,
    pub metric: ForceMetric,
    /// The number as stated; null for `unquantified` figures.
    pub value: Option<i64>,
    pub qualifier: Qualifier,
    pub unit: Option<String>,
    /// The amount as the source put it.
    pub text: Option<String>,
    /// The period the number describes.
    pub as_of: PartialDate,
    pub note: Option<String>,
    pub sources: Sources,
    /// A sentence a newsroom can print as is: who published the number, for which period,
    /// and the source. Generated from the data on every read; never stored, ignored on import.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<String>,
}

impl ForceFigure {
    /// What is wrong with this figure on its own (references are checked by the dataset).
    pub fn problems(&self) -> Vec<String> {
        amount_problems(self.value, self.qualifier, self.text.as_deref())
    }
}
