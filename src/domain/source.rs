//! Sources: where a record comes from.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ActorId, Evidence, PartialDate, Problem, SourceId};

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
    /// The words of the carrying source that cite this one (or, for a source read
    /// first-hand, its own title line).
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    /// What Durand inferred about the source (its date, its kind), and why.
    #[schema(pattern = r"\S")]
    pub inference: Option<String>,
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

/// Why a list of sources was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidSources {
    #[error("at least one source is required")]
    Empty,
    #[error("source `{0}` is listed twice")]
    Duplicate(SourceId),
}

/// The sources behind a record: never empty, never repeated.
///
/// Every figure in Durand lives in a record that carries one of these, so a number without a
/// source cannot be constructed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<SourceId>", into = "Vec<SourceId>")]
pub struct Sources(Vec<SourceId>);

// The schema says what `TryFrom` checks: at least one id, none twice (`minItems`,
// `uniqueItems`), so that a schema-valid record is never rejected for its sources.
impl utoipa::PartialSchema for Sources {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ArrayBuilder::new()
            .items(utoipa::openapi::Ref::from_schema_name("SourceId"))
            .min_items(Some(1))
            .unique_items(true)
            .description(Some(
                "The sources behind a record: never empty, never repeated.\n\nEvery figure in Durand lives in a record that carries one of these, so a number without a\nsource cannot be constructed.",
            ))
            .into()
    }
}

impl ToSchema for Sources {
    fn name() -> std::borrow::Cow<'static, str> {
        "Sources".into()
    }
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        schemas.push((
            SourceId::name().into_owned(),
            <SourceId as utoipa::PartialSchema>::schema(),
        ));
        <SourceId as ToSchema>::schemas(schemas);
    }
}

impl Sources {
    /// The source ids, in the order given.
    pub fn ids(&self) -> &[SourceId] {
        &self.0
    }
}

impl TryFrom<Vec<SourceId>> for Sources {
    type Error = InvalidSources;
    fn try_from(ids: Vec<SourceId>) -> Result<Self, Self::Error> {
        if ids.is_empty() {
            return Err(InvalidSources::Empty);
        }
        for (i, id) in ids.iter().enumerate() {
            if ids[..i].contains(id) {
                return Err(InvalidSources::Duplicate(id.clone()));
            }
        }
        Ok(Self(ids))
    }
}

impl From<Sources> for Vec<SourceId> {
    fn from(s: Sources) -> Self {
        s.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_cannot_have_no_sources() {
        let err = serde_json::from_str::<Sources>("[]").unwrap_err();
        assert!(err.to_string().contains("at least one source"));
        assert!(serde_json::from_str::<Sources>(r#"["a","a"]"#).is_err());
        assert_eq!(
            serde_json::from_str::<Sources>(r#"["a"]"#)
                .unwrap()
                .ids()
                .len(),
            1
        );
    }
}
