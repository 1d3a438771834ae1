//! Evidence: the words of a source behind a value, and what Durand inferred beyond them.
//!
//! Every claim, figure, force figure, incident, place, relation and actor carries the shortest
//! verbatim spans of its sources that support it, so that a fact-checker sees the sentence
//! behind a number without opening the article. Where Durand concluded something the source
//! does not say in so many words, `inference` says what and why.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Problem, SourceId, Sources};

/// The longest span accepted: a clause or a sentence, not a paragraph.
pub const MAX_SPAN: usize = 300;

/// A verbatim span of a source that supports a value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"source": "explainer-2026-02-27", "span": "more than 200 wounded", "supports": "value"}))]
pub struct Evidence {
    /// The source the words are from; one of the record's `sources`.
    pub source: SourceId,
    /// The source's own words, verbatim (curly quotes and all), as short as will support the
    /// value: a clause, not a paragraph.
    #[schema(min_length = 1, max_length = 300, pattern = r"\S")]
    pub span: String,
    /// The field the span supports (`made_at`, `value`, `claimant`, ...); null when it
    /// supports the object as a whole.
    pub supports: Option<String>,
}

/// Where a value's basis in the source is recorded: its spans, and what was inferred.
pub trait Evidenced {
    /// The spans supporting this object (not its nested objects).
    fn evidence(&self) -> &[Evidence];
    /// What Durand inferred beyond the spans, and why; `None` when nothing was.
    fn inference(&self) -> Option<&str>;
}

/// What is wrong with an object's evidence: spans too long or empty, or from a source the
/// record does not cite; an empty inference.
pub fn problems(item: &dyn Evidenced, sources: &Sources) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (i, e) in item.evidence().iter().enumerate() {
        if e.span.trim().is_empty() {
            problems.push(Problem::at(
                format!("/evidence/{i}/span"),
                "the span is empty",
            ));
        } else if e.span.chars().count() > MAX_SPAN {
            problems.push(Problem::at(
                format!("/evidence/{i}/span"),
                format!(
                    "the span is longer than {MAX_SPAN} characters; quote the clause that supports the value, not the paragraph"
                ),
            ));
        }
        if !sources.ids().contains(&e.source) {
            problems.push(Problem::at(
                format!("/evidence/{i}/source"),
                format!("source `{}` is not among the record's sources", e.source),
            ));
        }
    }
    if item.inference().is_some_and(|t| t.trim().is_empty()) {
        problems.push(Problem::at(
            "/inference",
            "`inference` is empty: say what was inferred and why, or leave it null",
        ));
    }
    problems
}

/// Declares a record type that carries the basis of what it says: its own fields, then
/// `evidence` (the sources' words behind it) and `inference` (what Durand concluded beyond
/// them), each with the documentation written before it, then any fields after `then`; and
/// implements [`Evidenced`] for it. Every evidenced type has the two fields the same way.
macro_rules! evidenced {
    (
        $(#[$attr:meta])*
        pub struct $name:ident {
            $($fields:tt)*
        }
        $(#[$evidence:meta])*
        evidence;
        $(#[$inference:meta])*
        inference;
        $(then { $($after:tt)* })?
    ) => {
        $(#[$attr])*
        pub struct $name {
            $($fields)*
            $(#[$evidence])*
            #[serde(default)]
            pub evidence: Vec<$crate::domain::evidence::Evidence>,
            $(#[$inference])*
            #[schema(pattern = r"\S")]
            pub inference: Option<String>,
            $($($after)*)?
        }

        impl $crate::domain::evidence::Evidenced for $name {
            fn evidence(&self) -> &[$crate::domain::evidence::Evidence] {
                &self.evidence
            }
            fn inference(&self) -> Option<&str> {
                self.inference.as_deref()
            }
        }
    };
}

pub(super) use evidenced;

string_enum! {
    /// Where a date's bounds come from, so that a bound Durand set itself is visible as such.
    pub enum DateBasis {
        /// The source gives the date, or words its own date fixes ("last weekend", "early
        /// Friday", "in October" in an article of 27 February 2026).
        Stated = "stated",
        /// The source gives no date; the bounds are ones the source sets (it was published on
        /// 27 February 2026, so what it reports was said by then; it orders the events).
        Bounded = "bounded",
        /// At least one bound is Durand's own estimate, which the source does not give;
        /// `inference` says which and why.
        Estimated = "estimated",
    }
}

/// What is wrong with a dated record's basis: a date Durand estimated without the inference
/// that explains it (see [`date_basis_problems`]), then what [`problems`] finds.
pub(crate) fn dated_problems(
    item: &dyn Evidenced,
    sources: &Sources,
    date: &str,
    basis: Option<DateBasis>,
) -> Vec<Problem> {
    let mut found = date_basis_problems(date, basis, item.inference());
    found.extend(problems(item, sources));
    found
}

/// A date Durand estimated needs the inference that explains it. (A missing basis is allowed in
/// a write, where it means "not recorded"; the curated dataset must give one: see
/// [`Dataset::validate`](super::Dataset::validate).)
fn date_basis_problems(
    field: &str,
    basis: Option<DateBasis>,
    inference: Option<&str>,
) -> Vec<Problem> {
    match basis {
        Some(DateBasis::Estimated) if inference.is_none_or(|t| t.trim().is_empty()) => {
            vec![Problem::at(
                "/inference",
                format!(
                    "`{field}_basis` is `estimated`: `inference` must say which bound is Durand's and why"
                ),
            )]
        }
        _ => Vec::new(),
    }
}
