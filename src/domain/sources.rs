//! The sources a record cites: a list of source ids, never empty, never repeated.

use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{ArrayBuilder, Schema};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{PartialSchema, ToSchema};

use super::SourceId;

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
impl PartialSchema for Sources {
    fn schema() -> RefOr<Schema> {
        ArrayBuilder::new()
            .items(Ref::from_schema_name("SourceId"))
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
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((SourceId::name().into_owned(), SourceId::schema()));
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
