//! Claims: statements made by a party, with the figures they contain and their verification.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ActorId, ClaimId, Figure, IncidentId, PartialDate, Sources};

string_enum! {
    /// What a claim is about.
    pub enum ClaimKind {
        /// People killed, wounded or captured.
        Casualties = "casualties",
        /// Things destroyed.
        Damage = "damage",
        /// Positions or ground taken or lost.
        Territory = "territory",
        /// Blaming another party.
        Accusation = "accusation",
        /// Rejecting another party's accusation.
        Denial = "denial",
        /// Claiming (or being said to claim) an attack.
        Responsibility = "responsibility",
        /// What a party says about its own or another's capabilities.
        Capability = "capability",
        /// How a party describes events ("open war").
        Characterisation = "characterisation",
        /// What a party says about its own ongoing operations.
        Operation = "operation",
        /// A party's reading of another's motives or likely conduct.
        Assessment = "assessment",
        /// A trend reported from monitoring data.
        Trend = "trend",
    }
}

string_enum! {
    /// Where a claim stands on verification.
    pub enum ClaimStatus {
        /// Not independently verified, and not contradicted by another claim in the dataset.
        Unverified = "unverified",
        /// Contradicted by another party's claim (see `contradicted_by`).
        Disputed = "disputed",
        /// Independently verified.
        Confirmed = "confirmed",
        /// Denied by the party it is about (see `contradicted_by`).
        Denied = "denied",
        /// Withdrawn by the claimant.
        Retracted = "retracted",
    }
}

/// Who spoke for the claimant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Spokesperson {
    /// Null when the source gives only the role.
    pub name: Option<String>,
    pub role: String,
}

/// A statement by a party. Never a fact: always someone's claim, with its source and status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    pub id: ClaimId,
    /// The actor who made the claim.
    pub claimant: ActorId,
    pub spokesperson: Option<Spokesperson>,
    /// When the claim was made.
    pub made_at: PartialDate,
    /// How `made_at` was established, when the source does not date the statement outright.
    pub made_at_note: Option<String>,
    pub kind: ClaimKind,
    /// What was claimed, in Durand's own words.
    pub statement: String,
    /// A short direct quote, when the source gives one.
    pub quote: Option<String>,
    /// The actors the claim is about.
    pub about: Vec<ActorId>,
    /// The incident the claim refers to.
    pub incident: Option<IncidentId>,
    /// The numbers in the claim, each qualified as stated.
    pub figures: Vec<Figure>,
    pub status: ClaimStatus,
    /// Why the claim has its status, in the sources' terms.
    pub status_note: Option<String>,
    /// Claims that contradict this one; always mutual.
    pub contradicted_by: Vec<ClaimId>,
    pub sources: Sources,
    /// A sentence a newsroom can print as is: who said it, when, whether it was verified,
    /// and the source. Generated from the data on every read; never stored, ignored on import.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<String>,
}

impl Claim {
    /// What is wrong with this claim on its own (references are checked by the dataset).
    pub fn problems(&self) -> Vec<String> {
        let mut problems: Vec<String> = self
            .figures
            .iter()
            .enumerate()
            .flat_map(|(i, f)| {
                f.problems()
                    .into_iter()
                    .map(move |p| format!("figures[{i}]: {p}"))
            })
            .collect();
        if self.contradicted_by.contains(&self.id) {
            problems.push("a claim cannot contradict itself".to_owned());
        }
        let contested = matches!(self.status, ClaimStatus::Disputed | ClaimStatus::Denied);
        if contested && self.contradicted_by.is_empty() {
            problems.push(format!(
                "status `{}` needs `contradicted_by` naming the contradicting claims",
                self.status
            ));
        }
        if self.statement.trim().is_empty() {
            problems.push("`statement` is empty".to_owned());
        }
        problems
    }
}
