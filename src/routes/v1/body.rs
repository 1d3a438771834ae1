//! Request bodies of writes: media type, size and JSON, and the `*Input`/`*Patch` schemas the
//! spec publishes for them. The curation layer validates bodies against those same schemas
//! ([`crate::curation::validation`]), so a 422 lists every bad field with its JSON Pointer.

use actix_web::HttpRequest;
use actix_web::http::header;
use actix_web::mime::Mime;
use actix_web::web::{self, Bytes};
use futures_util::StreamExt;
use serde_json::Value;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{AdditionalProperties, Schema};
use utoipa::{PartialSchema, ToSchema};

use crate::domain::{Actor, Claim, ForceFigure, Incident, Resource, Source};
use crate::error::ApiError;

/// The largest body a write accepts: a record is a few kilobytes.
pub const MAX_BODY: usize = 256 * 1024;

/// The longest a write's body may take to arrive, from its first byte to its last.
pub const BODY_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

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
    // The type and subtype only: a malformed parameter (`; charset`) leaves a JSON body
    // readable, and has never been a 415 (`Mime` would refuse the whole value).
    let media_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .and_then(|essence| essence.trim().parse::<Mime>().ok());
    if !media_type.is_some_and(|m| accepted.contains(&m.essence_str())) {
        return Err(ApiError::UnsupportedMediaType { offered: accepted });
    }
    let read = async {
        let mut body = web::BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|e| {
                ApiError::MalformedBody(format!("The body could not be read: {e}."))
            })?;
            if body.len() + chunk.len() > MAX_BODY {
                return Err(ApiError::PayloadTooLarge { limit: MAX_BODY });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    };
    // Everyone's body arrives within the same time, key or no key: a client that sends
    // slowly holds a connection and memory only that long.
    let body = tokio::time::timeout(BODY_READ_TIMEOUT, read)
        .await
        .map_err(|_| ApiError::BodyTimeout {
            seconds: BODY_READ_TIMEOUT.as_secs(),
        })??;
    parse_object(&body)
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
    (@body $name:ident, $record:ty, $build:ident, $resource:expr, $what:literal, $doc:expr) => {
        #[doc = $doc]
        pub struct $name;

        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                $build(<$record>::schema(), $resource.read_only_fields(), $what)
            }
        }

        impl ToSchema for $name {
            fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
                <$record as ToSchema>::schemas(schemas);
            }
        }
    };
    ($($record:ty => $input:ident, $patch:ident, $resource:expr, $what:literal;)*) => {$(
        write_schemas!(@body $input, $record, input_schema, $resource, $what,
            concat!("The body of a create: ", $what, " with `id` optional."));
        write_schemas!(@body $patch, $record, patch_schema, $resource, $what,
            concat!("The body of a patch: a JSON Merge Patch of ", $what, "."));
    )*};
}

write_schemas! {
    Source => SourceInput, SourcePatch, Resource::Sources, "a source";
    Actor => ActorInput, ActorPatch, Resource::Actors, "an actor";
    Incident => IncidentInput, IncidentPatch, Resource::Incidents, "an incident";
    Claim => ClaimInput, ClaimPatch, Resource::Claims, "a claim";
    ForceFigure => ForceFigureInput, ForceFigurePatch, Resource::ForceFigures, "a force figure";
}
