//! Sources: where a record comes from.

use super::evidence::evidenced;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ActorId, PartialDate, Problem, SourceId};

string_enum! {
    /// What kind of publication a source is.
    pub enum SourceKind {
        NewsReport = "news_report",
        Wire = "wire",
        OfficialStatement = "official_statement",
        ThinkTank = "think_tank",
        Dataset = "dataset",
    }
}

evidenced! {
    /// A publication that records in the dataset cite.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
    #[serde(deny_unknown_fields)]
    pub struct Source {
        pub id: SourceId,
        /// Who published it; null when the copy Durand holds does not name a publisher.
        pub publisher: Option<String>,
        /// The actor whose words or data this is, when the dataset has one. A claim or force
        /// figure citing a second-hand source (one with `cited_in`) is credited to its author.
        pub author: Option<ActorId>,
        #[schema(min_length = 1, pattern = r"\S")]
        pub title: String,
        pub kind: SourceKind,
        pub published: Option<PartialDate>,
        /// Where to read it; null when Durand has no stable address for it.
        #[schema(format = "uri")]
        pub url: Option<String>,
        /// The source through which Durand knows this one, when it was not read first-hand.
        pub cited_in: Option<SourceId>,
        /// How the source was used and what to keep in mind about it.
        pub note: Option<String>,
    }
    /// The words of the carrying source that cite this one (or, for a source read
    /// first-hand, its own title line).
    evidence;
    /// What Durand inferred about the source (its date, its kind), and why.
    inference;
}

impl Source {
    /// What is wrong with this source on its own: its evidence must come from itself or the
    /// source that carries it, and it cannot be cited in itself.
    pub fn problems(&self) -> Vec<Problem> {
        let mut problems = super::problem::blank(&[("title", &self.title)]);
        for (i, e) in self.evidence.iter().enumerate() {
            if e.source != self.id && Some(&e.source) != self.cited_in.as_ref() {
                problems.push(Problem::at(
                    format!("/evidence/{i}/source"),
                    format!(
                        "source `{}` is neither this source nor the one it is cited in",
                        e.source
                    ),
                ));
            }
            if e.span.trim().is_empty() {
                problems.push(Problem::at(
                    format!("/evidence/{i}/span"),
                    "the span is empty",
                ));
            }
        }
        if self.cited_in.as_ref() == Some(&self.id) {
            problems.push(Problem::at(
                "/cited_in",
                "a source cannot be cited in itself",
            ));
        }
        problems
    }
}
