//! A record of any kind, its references to other records and its rules: the one set of
//! integrity rules that `durand validate`, imports and every write go through.

use serde_json::Value;

use super::{Actor, Claim, ForceFigure, Incident, Problem, Resource, Source};

/// One record of any kind: a write's body, a stored document, or a record of the dataset files.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    Source(Source),
    Actor(Actor),
    Incident(Incident),
    Claim(Claim),
    ForceFigure(ForceFigure),
}

/// A reference from a record's field to another record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// JSON Pointer of the referring field, e.g. `/sources/0`.
    pub pointer: String,
    pub resource: Resource,
    pub id: String,
}

impl Record {
    /// Parses a stored or submitted document as a record of `resource`.
    pub fn from_doc(
        resource: Resource,
        doc: Value,
    ) -> Result<Self, serde_path_to_error::Error<serde_json::Error>> {
        fn parse<T: serde::de::DeserializeOwned>(
            doc: Value,
        ) -> Result<T, serde_path_to_error::Error<serde_json::Error>> {
            serde_path_to_error::deserialize(doc)
        }
        Ok(match resource {
            Resource::Sources => Self::Source(parse(doc)?),
            Resource::Actors => Self::Actor(parse(doc)?),
            Resource::Incidents => Self::Incident(parse(doc)?),
            Resource::Claims => Self::Claim(parse(doc)?),
            Resource::ForceFigures => Self::ForceFigure(parse(doc)?),
        })
    }

    pub fn resource(&self) -> Resource {
        match self {
            Self::Source(_) => Resource::Sources,
            Self::Actor(_) => Resource::Actors,
            Self::Incident(_) => Resource::Incidents,
            Self::Claim(_) => Resource::Claims,
            Self::ForceFigure(_) => Resource::ForceFigures,
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Self::Source(r) => r.id.as_str(),
            Self::Actor(r) => r.id.as_str(),
            Self::Incident(r) => r.id.as_str(),
            Self::Claim(r) => r.id.as_str(),
            Self::ForceFigure(r) => r.id.as_str(),
        }
    }

    /// Every other record this one names, with the field naming it (see [`references_in`]).
    pub fn references(&self) -> Vec<Reference> {
        let doc = match self {
            Self::Source(r) => serde_json::to_value(r),
            Self::Actor(r) => serde_json::to_value(r),
            Self::Incident(r) => serde_json::to_value(r),
            Self::Claim(r) => serde_json::to_value(r),
            Self::ForceFigure(r) => serde_json::to_value(r),
        };
        doc.map(|doc| references_in(self.resource(), &doc))
            .unwrap_or_default()
    }

    /// What is wrong with the record on its own, each problem at its JSON Pointer. The one set
    /// of rules: `durand validate`, imports and every write apply these.
    pub fn problems(&self) -> Vec<Problem> {
        match self {
            Self::Source(r) => r.problems(),
            Self::Actor(r) => r.problems(),
            Self::Incident(r) => r.problems(),
            Self::Claim(r) => r.problems(),
            Self::ForceFigure(r) => r.problems(),
        }
    }

    /// A readable base for an id the server picks when the client proposes none.
    pub fn id_hint(resource: Resource, doc: &Value) -> String {
        let text = |key: &str| doc.get(key).and_then(Value::as_str).unwrap_or_default();
        let date = |key: &str| {
            doc.get(key)
                .and_then(|d| d.get("value").or(Some(d)))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let base = match resource {
            Resource::Sources => text("title").to_owned(),
            Resource::Actors => text("name").to_owned(),
            Resource::Incidents => format!("{} {}", text("title"), date("date")),
            Resource::Claims => {
                format!("{} {} {}", text("claimant"), text("kind"), date("made_at"))
            }
            Resource::ForceFigures => {
                format!("{} {} {}", text("actor"), text("metric"), date("as_of"))
            }
        };
        let slug = slugify(&base);
        if slug.is_empty() {
            resource.as_str().trim_end_matches('s').to_owned()
        } else {
            slug
        }
    }
}

/// Where each kind of record names others: JSON Pointer patterns (`*` stands for every item
/// of an array), in the order problems are listed, and what they name. The one list both a
/// parsed record and a raw body are read with, so that a body whose other fields are invalid
/// still gets its dangling references reported.
fn reference_paths(resource: Resource) -> &'static [(&'static str, Resource)] {
    use Resource::{Actors, Claims, Incidents, Sources};
    match resource {
        Sources => &[("/cited_in", Sources), ("/author", Actors)],
        Actors => &[
            ("/sources/*", Sources),
            ("/places/*/location/according_to", Claims),
            ("/relations/*/actor", Actors),
            ("/relations/*/sources/*", Sources),
        ],
        Incidents => &[
            ("/sources/*", Sources),
            ("/actors/*/actor", Actors),
            ("/locations/*/according_to", Claims),
        ],
        Claims => &[
            ("/sources/*", Sources),
            ("/claimant", Actors),
            ("/relayed_by", Actors),
            ("/about/*", Actors),
            ("/incident", Incidents),
            ("/contradicted_by/*", Claims),
        ],
        Resource::ForceFigures => &[
            ("/sources/*", Sources),
            ("/actor", Actors),
            ("/claimant", Actors),
        ],
    }
}

/// Every record a document of `resource` names (valid or not): each string found at one of
/// its reference paths, with its pointer. Anything else there (a number, null) is not a
/// reference, and is for the schema to report.
pub fn references_in(resource: Resource, doc: &Value) -> Vec<Reference> {
    fn walk(node: &Value, rest: &[&str], at: String, resource: Resource, out: &mut Vec<Reference>) {
        match (rest.split_first(), node) {
            (None, Value::String(id)) => out.push(Reference {
                pointer: at,
                resource,
                id: id.clone(),
            }),
            (Some((&"*", rest)), Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, rest, format!("{at}/{i}"), resource, out);
                }
            }
            (Some((key, rest)), Value::Object(map)) => {
                if let Some(child) = map.get(*key) {
                    walk(child, rest, format!("{at}/{key}"), resource, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for (path, named) in reference_paths(resource) {
        let parts: Vec<&str> = path.split('/').skip(1).collect();
        walk(doc, &parts, String::new(), *named, &mut out);
    }
    out
}

/// Lowercase ASCII kebab-case of `text`, at most 60 characters, cut at a hyphen.
pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let mut slug = slug.trim_end_matches('-').to_owned();
    if slug.len() > 60 {
        let cut = slug[..60].rfind('-').unwrap_or(60);
        slug.truncate(cut);
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_read_from_a_body_whatever_else_is_wrong_with_it() {
        let body = serde_json::json!({
            "claimant": "nobody", "made_at": "2025-13", "about": ["pakistan", 7, "no-one"],
            "sources": ["explainer-2026-02-27"], "incident": null
        });
        let refs: Vec<(String, Resource, String)> = references_in(Resource::Claims, &body)
            .into_iter()
            .map(|r| (r.pointer, r.resource, r.id))
            .collect();
        assert_eq!(
            refs,
            [
                (
                    "/sources/0".into(),
                    Resource::Sources,
                    "explainer-2026-02-27".into()
                ),
                ("/claimant".into(), Resource::Actors, "nobody".into()),
                ("/about/0".into(), Resource::Actors, "pakistan".into()),
                ("/about/2".into(), Resource::Actors, "no-one".into()),
            ]
        );
    }
}
