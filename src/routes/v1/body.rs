//! Request bodies of writes: media type, size, JSON, and validation against the same schemas
//! the spec publishes, so that a 422 lists every bad field at once with its JSON Pointer.
//!
//! Validation runs in three passes, each reporting everything it finds: the JSON Schema of
//! the record (missing, unknown and mistyped fields, enums, patterns), then the domain types
//! (what a schema cannot say, e.g. a date range that ends before it starts), then the record's
//! own rules (a disputed claim names its contradicting claims). References to other records
//! are checked against the database by the caller.

use std::collections::HashMap;
use std::sync::OnceLock;

use actix_web::HttpRequest;
use actix_web::http::header;
use actix_web::web::{self, Bytes};
use futures_util::StreamExt;
use serde_json::Value;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{AdditionalProperties, Schema};
use utoipa::{PartialSchema, ToSchema};

use crate::domain::Record;
use crate::domain::problem::pointer_of;
use crate::domain::{Actor, Claim, ForceFigure, Incident, Resource, Source};
use crate::error::{ApiError, ParameterError};

/// The largest body a write accepts: a record is a few kilobytes.
pub const MAX_BODY: usize = 256 * 1024;

/// Media types a create accepts.
pub const JSON: &[&str] = &["application/json"];
/// Media types a patch accepts: JSON Merge Patch (RFC 7396), or plain JSON meaning the same.
pub const MERGE_PATCH: &[&str] = &["application/merge-patch+json", "application/json"];

/// Reads a write's body: checks its media type and size, and parses it as a JSON object.
pub async fn read_object(
    req: &HttpRequest,
    mut payload: web::Payload,
    accepted: &'static [&'static str],
) -> Result<serde_json::Map<String, Value>, ApiError> {
    let media_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        });
    if !media_type.is_some_and(|m| accepted.contains(&m.as_str())) {
        return Err(ApiError::UnsupportedMediaType { offered: accepted });
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk
            .map_err(|e| ApiError::MalformedBody(format!("The body could not be read: {e}.")))?;
        if body.len() + chunk.len() > MAX_BODY {
            return Err(ApiError::PayloadTooLarge { limit: MAX_BODY });
        }
        body.extend_from_slice(&chunk);
    }
    parse_object(&body.freeze())
}

/// Parses bytes as one JSON object.
pub fn parse_object(body: &Bytes) -> Result<serde_json::Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::MalformedBody(
            "The body must be a JSON object.".into(),
        )),
        Err(e) => Err(ApiError::MalformedBody(format!(
            "The body is not valid JSON: {e}."
        ))),
    }
}

/// Validates a whole record document of `resource`: every problem the schema, the domain
/// types and the record's own rules find, or the parsed record.
pub fn validate(resource: Resource, doc: Value) -> Result<Record, Vec<ParameterError>> {
    let mut errors = schema_errors(schema_names(resource).0, &doc);
    nul_errors(&doc, "", &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let record = Record::from_doc(resource, doc).map_err(|e| {
        vec![ParameterError::at(
            pointer_of(&e.path().to_string()),
            e.inner().to_string(),
        )]
    })?;
    let problems: Vec<ParameterError> = record
        .problems()
        .into_iter()
        .map(|p| ParameterError::at(p.pointer, p.message))
        .collect();
    if problems.is_empty() {
        Ok(record)
    } else {
        Err(problems)
    }
}

/// PostgreSQL cannot store U+0000 in text or JSON: every string (or key) holding one is an
/// error at its pointer, rather than a failed insert.
fn nul_errors(node: &Value, at: &str, errors: &mut Vec<ParameterError>) {
    let escape = |key: &str| key.replace('~', "~0").replace('/', "~1");
    match node {
        Value::String(s) if s.contains('\0') => {
            errors.push(ParameterError::at(
                at,
                "contains a NUL character (U+0000), which text cannot hold",
            ));
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                nul_errors(item, &format!("{at}/{i}"), errors);
            }
        }
        Value::Object(map) => {
            for (key, value) in map {
                let here = format!("{at}/{}", escape(key));
                if key.contains('\0') {
                    errors.push(ParameterError::at(
                        &here,
                        "the field name contains a NUL character (U+0000)",
                    ));
                }
                nul_errors(value, &here, errors);
            }
        }
        _ => {}
    }
}

/// Checks a patch on its own, before the record it applies to is read: it must fit the
/// resource's published `*Patch` schema (and hold no NUL). The patched record is validated
/// whole afterwards by [`validate`].
pub fn validate_patch(resource: Resource, patch: &Value) -> Result<(), Vec<ParameterError>> {
    let mut errors = schema_errors(schema_names(resource).1, patch);
    nul_errors(patch, "", &mut errors);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Every error the published schema `name` finds in `doc`.
fn schema_errors(name: &str, doc: &Value) -> Vec<ParameterError> {
    let validators = VALIDATORS.get_or_init(build_validators);
    let Some(validator) = validators.get(name) else {
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
                return ParameterError::at(pointer, "is required");
            }
            if let jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } =
                e.kind()
            {
                return ParameterError::at(
                    pointer,
                    format!(
                        "has fields this record does not have: {} (read-only fields such as `attribution` cannot be written)",
                        unexpected.join(", ")
                    ),
                );
            }
            ParameterError::at(pointer, e.to_string())
        })
        .collect()
}

static VALIDATORS: OnceLock<HashMap<&'static str, jsonschema::Validator>> = OnceLock::new();

/// One validator per write body schema (`*Input`, `*Patch`), resolved against every component
/// of the generated spec (so the server checks exactly what the spec publishes).
fn build_validators() -> HashMap<&'static str, jsonschema::Validator> {
    let spec = crate::openapi::spec();
    let schemas = spec
        .components
        .as_ref()
        .map(|c| serde_json::to_value(&c.schemas).unwrap_or_default())
        .unwrap_or_default();
    Resource::ALL
        .iter()
        .flat_map(|&resource| {
            let (input, patch) = schema_names(resource);
            [input, patch]
        })
        .filter_map(|name| {
            let root = serde_json::json!({
                "$ref": format!("#/components/schemas/{name}"),
                "components": { "schemas": schemas },
            });
            // Formats are checked too (`date`, `uri`, ...): the spec promises them.
            match jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .should_validate_formats(true)
                .build(&root)
            {
                Ok(v) => Some((name, v)),
                Err(e) => {
                    tracing::error!(%name, error = %e, "cannot compile a write schema");
                    None
                }
            }
        })
        .collect()
}

/// The spec's names of the schemas a create and a patch of `resource` take.
fn schema_names(resource: Resource) -> (&'static str, &'static str) {
    match resource {
        Resource::Sources => ("SourceInput", "SourcePatch"),
        Resource::Actors => ("ActorInput", "ActorPatch"),
        Resource::Incidents => ("IncidentInput", "IncidentPatch"),
        Resource::Claims => ("ClaimInput", "ClaimPatch"),
        Resource::ForceFigures => ("ForceFigureInput", "ForceFigurePatch"),
    }
}

/// A record's schema as a write takes it: `id` optional (the server picks one from the
/// record's name or title when it is missing), and the read-only fields left out.
fn input_schema(record: RefOr<Schema>, read_only: &[&str], what: &str) -> RefOr<Schema> {
    let RefOr::T(Schema::Object(mut object)) = record else {
        unreachable!("records are documented as objects")
    };
    object.properties = std::mem::take(&mut object.properties)
        .into_iter()
        .filter(|(name, _)| !read_only.contains(&name.as_str()))
        .collect();
    object
        .required
        .retain(|r| r != "id" && !read_only.contains(&r.as_str()));
    object.additional_properties = Some(Box::new(AdditionalProperties::FreeForm(false)));
    object.description = Some(format!(
        "{what} as a create takes it: `id` is optional (a slug; when missing the server derives one from the record and answers with it in `Location`); read-only fields ({}) are generated and cannot be written.",
        if read_only.is_empty() {
            "none".to_owned()
        } else {
            read_only
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    ));
    RefOr::T(Schema::Object(object))
}

/// A JSON Merge Patch (RFC 7396) of a record: any of its writable fields, none required.
fn patch_schema(record: RefOr<Schema>, read_only: &[&str], what: &str) -> RefOr<Schema> {
    let RefOr::T(Schema::Object(mut object)) = input_schema(record, read_only, what) else {
        unreachable!("records are documented as objects")
    };
    object.required.clear();
    object.description = Some(format!(
        "A JSON Merge Patch (RFC 7396) of {what}: the fields to change, with their new values; `null` removes an optional field; objects are merged, arrays replaced. `id` cannot change. The patched record must be valid as a whole."
    ));
    RefOr::T(Schema::Object(object))
}

macro_rules! write_schemas {
    ($($record:ty => $input:ident, $patch:ident, $resource:expr, $what:literal;)*) => {$(
        #[doc = concat!("The body of a create: ", $what, " with `id` optional.")]
        pub struct $input;

        impl PartialSchema for $input {
            fn schema() -> RefOr<Schema> {
                input_schema(<$record>::schema(), read_only($resource), $what)
            }
        }

        impl ToSchema for $input {
            fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
                <$record as ToSchema>::schemas(schemas);
            }
        }

        #[doc = concat!("The body of a patch: a JSON Merge Patch of ", $what, ".")]
        pub struct $patch;

        impl PartialSchema for $patch {
            fn schema() -> RefOr<Schema> {
                patch_schema(<$record>::schema(), read_only($resource), $what)
            }
        }

        impl ToSchema for $patch {
            fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
                <$record as ToSchema>::schemas(schemas);
            }
        }
    )*};
}

write_schemas! {
    Source => SourceInput, SourcePatch, Resource::Sources, "a source";
    Actor => ActorInput, ActorPatch, Resource::Actors, "an actor";
    Incident => IncidentInput, IncidentPatch, Resource::Incidents, "an incident";
    Claim => ClaimInput, ClaimPatch, Resource::Claims, "a claim";
    ForceFigure => ForceFigureInput, ForceFigurePatch, Resource::ForceFigures, "a force figure";
}

/// The read-only fields of `resource`'s records: served (and, for an incident's `claims`, kept
/// empty in the stored document) but never written, so a patch merges into the stored
/// document without them.
pub fn read_only(resource: Resource) -> &'static [&'static str] {
    match resource {
        Resource::Incidents => &["claims"],
        Resource::Claims | Resource::ForceFigures => &["attribution"],
        Resource::Sources | Resource::Actors => &[],
    }
}

/// Applies a JSON Merge Patch (RFC 7396) to `target`.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(serde_json::Map::new());
    }
    let Value::Object(map) = target else {
        unreachable!("made an object above")
    };
    for (key, value) in patch {
        if value.is_null() {
            map.remove(key);
        } else {
            merge_patch(map.entry(key.clone()).or_insert(Value::Null), value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_patch_follows_rfc_7396_examples() {
        let cases = [
            (json!({"a": "b"}), json!({"a": "c"}), json!({"a": "c"})),
            (
                json!({"a": "b"}),
                json!({"b": "c"}),
                json!({"a": "b", "b": "c"}),
            ),
            (json!({"a": "b"}), json!({"a": null}), json!({})),
            (json!({"a": ["b"]}), json!({"a": "c"}), json!({"a": "c"})),
            (
                json!({"a": {"b": "c"}}),
                json!({"a": {"b": "d", "c": null}}),
                json!({"a": {"b": "d"}}),
            ),
            (
                json!({"a": [{"b": "c"}]}),
                json!({"a": [1]}),
                json!({"a": [1]}),
            ),
            (
                json!({}),
                json!({"a": {"bb": {"ccc": null}}}),
                json!({"a": {"bb": {}}}),
            ),
        ];
        for (mut target, patch, expected) in cases {
            merge_patch(&mut target, &patch);
            assert_eq!(target, expected, "patch {patch}");
        }
    }

    #[test]
    fn serde_paths_become_json_pointers() {
        assert_eq!(pointer_of("."), "");
        assert_eq!(pointer_of("figures[0].value"), "/figures/0/value");
        assert_eq!(pointer_of("made_at"), "/made_at");
    }

    #[test]
    fn a_claim_with_several_bad_fields_lists_them_all() {
        let errors = validate(
            Resource::Claims,
            json!({"id": "x", "kind": "rumour", "colour": "red", "statement": 5}),
        )
        .unwrap_err();
        let pointers: Vec<_> = errors.iter().filter_map(|e| e.pointer.clone()).collect();
        for expected in ["/claimant", "/kind", "/statement", "/sources", ""] {
            assert!(
                pointers.contains(&expected.to_owned()),
                "{expected} missing from {errors:?}"
            );
        }
    }

    #[test]
    fn nul_characters_anywhere_in_a_body_are_field_errors() {
        let mut errors = Vec::new();
        nul_errors(
            &json!({"statement": "a\u{0}b", "figures": [{"text": "\u{0}"}], "a/b\u{0}": 1}),
            "",
            &mut errors,
        );
        let mut pointers: Vec<_> = errors.iter().filter_map(|e| e.pointer.clone()).collect();
        pointers.sort();
        assert_eq!(pointers, ["/a~1b\u{0}", "/figures/0/text", "/statement"]);
    }
}
