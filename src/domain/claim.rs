//! Claims: statements made by a party, with the figures they contain and their verification.

use super::evidence::evidenced;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::evidence::{self, DateBasis};
use super::problem::{self, Problem};
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
        /// One party's forces or losses set against another's ("less than a third of
        /// Pakistan's personnel").
        Comparison = "comparison",
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
    /// The role as a noun phrase in lower case, as it reads after "through": "a spokesman for
    /// the prime minister on foreign media" (after a name), "the defence minister",
    /// "officials" (when the source names nobody).
    #[schema(example = "the defence minister", min_length = 1, pattern = r"\S")]
    pub role: String,
}

evidenced! {
    /// A statement by a party. Never a fact: always someone's claim, with its source and status.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
    #[serde(deny_unknown_fields)]
    pub struct Claim {
        pub id: ClaimId,
        /// The actor who made the claim: a party, the source in its own voice (`source_voice`
        /// actors), or people the source does not name (`unnamed` actors).
        pub claimant: ActorId,
        pub spokesperson: Option<Spokesperson>,
        /// Who passed the claim on, when the source has it second-hand ("conflict monitoring data
        /// cited by news agency Reuters": the monitor claims, Reuters relays).
        pub relayed_by: Option<ActorId>,
        /// When the claim was made: a day only where the source dates it; `../2026-02-27` ("by 27
        /// February 2026") where the source reports it undated.
        pub made_at: PartialDate,
        /// Where `made_at`'s bounds come from: the source, or (`estimated`) Durand. Null when not
        /// recorded (every record of the curated dataset has one).
        pub made_at_basis: Option<DateBasis>,
        /// How `made_at` was established, when the source does not date the statement outright.
        pub made_at_note: Option<String>,
        pub kind: ClaimKind,
        /// What was claimed, in Durand's own words.
        #[schema(min_length = 1, pattern = r"\S")]
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
    }
    /// The sources' words behind the claim: who said it, when, and what.
    evidence;
    /// What Durand inferred beyond those words (a date, who is meant), and why.
    inference;
    then {
        /// A sentence a newsroom can print as is: who said it, when, whether it was verified,
        /// and the source. Generated from the data on every read; never stored, ignored on import.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub attribution: Option<String>,
    }
}

impl Claim {
    /// What is wrong with this claim on its own, each problem at its field (references are
    /// checked against the dataset, or the database for a write).
    pub fn problems(&self) -> Vec<Problem> {
        let mut problems = problem::each("/figures", &self.figures, |f| {
            let mut problems = f.problems();
            problems.extend(evidence::problems(f, &self.sources));
            problems
        });
        if let Some(i) = self.contradicted_by.iter().position(|c| c == &self.id) {
            problems.push(Problem::at(
                format!("/contradicted_by/{i}"),
                "a claim cannot contradict itself",
            ));
        }
        let contested = matches!(self.status, ClaimStatus::Disputed | ClaimStatus::Denied);
        if contested && self.contradicted_by.is_empty() {
            problems.push(Problem::at(
                "/contradicted_by",
                format!(
                    "status `{}` needs `contradicted_by` naming the contradicting claims",
                    self.status
                ),
            ));
        }
        problems.extend(problem::blank(&[("statement", &self.statement)]));
        if let Some(s) = &self.spokesperson {
            problems.extend(problem::within(
                problem::blank(&[("role", &s.role)]),
                "/spokesperson",
            ));
        }
        if self.relayed_by.as_ref() == Some(&self.claimant) {
            problems.push(Problem::at(
                "/relayed_by",
                "`relayed_by` names the claimant itself",
            ));
        }
        problems.extend(evidence::dated_problems(
            self,
            &self.sources,
            "made_at",
            self.made_at_basis,
        ));
        problems
    }
}

/// Longest claim statement, in characters, that a title carries whole.
const TITLE_STATEMENT_CHARS: usize = 120;

/// `Claimant: statement`, the statement cut at a word boundary (with `…`) when it is long.
pub fn claim_title(claimant: Option<&str>, statement: &str) -> String {
    let statement = statement.trim();
    let short = if statement.chars().count() <= TITLE_STATEMENT_CHARS {
        statement.to_owned()
    } else {
        let cut: String = statement.chars().take(TITLE_STATEMENT_CHARS).collect();
        let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
        format!("{}…", cut.trim_end_matches([',', ';', ':', '.', ' ']))
    };
    match claimant {
        Some(name) => format!("{name}: {short}"),
        None => short,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_statement_is_cut_at_a_word_boundary() {
        assert_eq!(
            claim_title(Some("Pakistan"), "Short and whole."),
            "Pakistan: Short and whole."
        );
        let long = "word ".repeat(40);
        let title = claim_title(None, &long);
        assert!(title.ends_with("word…"), "{title}");
        assert!(title.chars().count() <= TITLE_STATEMENT_CHARS + 1);
    }
}
