//! A write body's shape: the spec's published `*Input` and `*Patch` schemas, compiled once at
//! startup from the generated spec (so the server checks exactly what the spec promises), then
//! the domain types and each record's own rules.

use std::collections::HashMap;

use serde_json::Value;

use crate::domain::Record;
use crate::domain::Resource;
use crate::domain::problem::{Problem, pointer_of};

/// One compiled validator per write body schema (`ClaimInput`, `ClaimPatch`, ...).
pub struct Validators(HashMap<&'static str, jsonschema::Validator>);

impl Validators {
    /// Compiles the write body schemas of `spec`, resolved against all its components, with
    /// formats (`date`, `uri`, ...) checked. Fails when one does not compile: a server that
    /// cannot check writes must not start.
    pub fn compile(spec: &utoipa::openapi::OpenApi) -> anyhow::Result<Self> {
        let schemas = spec
            .components
            .as_ref()
            .map(|c| serde_json::to_value(&c.schemas))
            .transpose()?
            .unwrap_or_default();
        let mut validators = HashMap::new();
        for &resource in Resource::ALL {
            let (input, patch) = schema_names(resource);
            for name in [input, patch] {
                let root = serde_json::json!({
                    "$ref": format!("#/components/schemas/{name}"),
                    "components": { "schemas": schemas },
                });
                let validator = jsonschema::options()
                    .with_draft(jsonschema::Draft::Draft202012)
                    .should_validate_formats(true)
                    .build(&root)
                    .map_err(|e| anyhow::anyhow!("cannot compile the schema {name}: {e}"))?;
                validators.insert(name, validator);
            }
        }
        Ok(Self(validators))
    }

    /// Validates a whole record document of `resource`: every problem the schema, the domain
    /// types and the record's own rules find, or the parsed record.
    pub fn record(&self, resource: Resource, doc: Value) -> Result<Record, Vec<Problem>> {
        let mut problems = self.schema_problems(schema_names(resource).0, &doc);
        nul_problems(&doc, "", &mut problems);
        if !problems.is_empty() {
            return Err(problems);
        }
        let record = Record::from_doc(resource, doc).map_err(|e| {
            vec![Problem::at(
                pointer_of(&e.path().to_string()),
                e.inner().to_string(),
            )]
        })?;
        let problems = record.problems();
        if problems.is_empty() {
            Ok(record)
        } else {
            Err(problems)
        }
    }

    /// Checks a patch on its own, before the record it applies to is read: it must fit the
    /// resource's published `*Patch` schema (and hold no NUL). The patched record is validated
    /// whole afterwards by [`Validators::record`].
    pub fn patch(&self, resource: Resource, patch: &Value) -> Result<(), Vec<Problem>> {
        let mut problems = self.schema_problems(schema_names(resource).1, patch);
        nul_problems(patch, "", &mut problems);
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    /// Every problem the published schema `name` finds in `doc`.
    fn schema_problems(&self, name: &str, doc: &Value) -> Vec<Problem> {
        let Some(validator) = self.0.get(name) else {
            return Vec::new();
        };
        validator
            .iter_errors(doc)
            .map(|e| {
                let mut pointer = e.instance_path().as_str().to_owned();
                if let jsonschema::error::ValidationErrorKind::Required { property } = e.kind()
                    && let Some(name) = property.as_str()
                {
                    pointer.push('/');
                    pointer.push_str(name);
                    return Problem::at(pointer, "is required");
                }
                if let jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } =
                    e.kind()
                {
                    return Problem::at(
                        pointer,
                        format!(
                            "has fields this record does not have: {} (read-only fields such as `attribution` cannot be written)",
                            unexpected.join(", ")
                        ),
                    );
                }
                Problem::at(pointer, e.to_string())
            })
            .collect()
    }
}

/// The spec's names of the schemas a create and a patch of `resource` take.
pub fn schema_names(resource: Resource) -> (&'static str, &'static str) {
    match resource {
        Resource::Sources => ("SourceInput", "SourcePatch"),
        Resource::Actors => ("ActorInput", "ActorPatch"),
        Resource::Incidents => ("IncidentInput", "IncidentPatch"),
        Resource::Claims => ("ClaimInput", "ClaimPatch"),
        Resource::ForceFigures => ("ForceFigureInput", "ForceFigurePatch"),
    }
}

/// PostgreSQL cannot store U+0000 in text or JSON: every string (or key) holding one is a
/// problem at its pointer, rather than a failed insert.
fn nul_problems(node: &Value, at: &str, problems: &mut Vec<Problem>) {
    let escape = |key: &str| key.replace('~', "~0").replace('/', "~1");
    match node {
        Value::String(s) if s.contains('\0') => {
            problems.push(Problem::at(
                at,
                "contains a NUL character (U+0000), which text cannot hold",
            ));
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                nul_problems(item, &format!("{at}/{i}"), problems);
            }
        }
        Value::Object(map) => {
            for (key, value) in map {
                let here = format!("{at}/{}", escape(key));
                if key.contains('\0') {
                    problems.push(Problem::at(
                        &here,
                        "the field name contains a NUL character (U+0000)",
                    ));
                }
                nul_problems(value, &here, problems);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_write_schema_of_the_spec_compiles() {
        let validators = Validators::compile(&crate::openapi::spec()).unwrap();
        assert_eq!(validators.0.len(), 2 * Resource::ALL.len());
    }

    #[test]
    fn a_claim_with_several_bad_fields_lists_them_all() {
        let validators = Validators::compile(&crate::openapi::spec()).unwrap();
        let problems = validators
            .record(
                Resource::Claims,
                json!({"id": "x", "kind": "rumour", "colour": "red", "statement": 5}),
            )
            .unwrap_err();
        let pointers: Vec<_> = problems.iter().map(|p| p.pointer.as_str()).collect();
        for expected in ["/claimant", "/kind", "/statement", "/sources", ""] {
            assert!(
                pointers.contains(&expected),
                "{expected} missing from {problems:?}"
            );
        }
    }

    #[test]
    fn nul_characters_anywhere_in_a_body_are_field_problems() {
        let mut problems = Vec::new();
        nul_problems(
            &json!({"statement": "a\u{0}b", "figures": [{"text": "\u{0}"}], "a/b\u{0}": 1}),
            "",
            &mut problems,
        );
        let mut pointers: Vec<_> = problems.iter().map(|p| p.pointer.clone()).collect();
        pointers.sort();
        assert_eq!(pointers, ["/a~1b\u{0}", "/figures/0/text", "/statement"]);
    }

    #[test]
    fn serde_paths_become_json_pointers() {
        assert_eq!(pointer_of("."), "");
        assert_eq!(pointer_of("figures[0].value"), "/figures/0/value");
        assert_eq!(pointer_of("made_at"), "/made_at");
    }
}
