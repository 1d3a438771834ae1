//! Editors' writes over HTTP: `POST` (create), `PATCH` (JSON Merge Patch) and `DELETE` on the
//! five collections. Each handler parses the request, calls the curation layer
//! ([`crate::curation`]), which holds the transaction and the rules, and renders its answer.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, HttpResponse, delete, patch, post, web};
use serde::Deserialize;
use serde_json::Value;
use utoipa::IntoParams;

use super::body::{self, JSON, MERGE_PATCH};
use crate::auth::Editor;
use crate::caching::{self, Condition};
use crate::curation::{Author, Curator, IfMatch, Written};
use crate::domain::Resource;
use crate::error::{ApiError, ParameterError};
use crate::extract::Params;
use crate::replicas::{DATASET_VERSION, DatasetStamp};

/// Whether an `Idempotency-Key` create was replayed.
const REPLAYED: header::HeaderName = header::HeaderName::from_static("idempotent-replayed");

/// What every write handler needs besides its request: the editor (a valid key that may
/// write: 401 or 403 otherwise), the curation layer and the process's dataset stamp.
pub struct Writer {
    curator: web::Data<Curator>,
    stamps: web::Data<DatasetStamp>,
    editor: Editor,
}

impl FromRequest for Writer {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let editor = Editor::from_request(req, payload);
        let curator = req.app_data::<web::Data<Curator>>().cloned();
        let stamps = req.app_data::<web::Data<DatasetStamp>>().cloned();
        Box::pin(async move {
            let editor = editor.await?;
            let (Some(curator), Some(stamps)) = (curator, stamps) else {
                return Err(ApiError::Internal(anyhow::anyhow!(
                    "writes need the curator and the dataset stamp in app data"
                )));
            };
            Ok(Self {
                curator,
                stamps,
                editor,
            })
        })
    }
}

impl Writer {
    fn author(&self) -> Author<'_> {
        Author {
            key_id: self.editor.key.id,
            name: self.editor.name(),
        }
    }
}

/// The query of `DELETE`: why the record is deleted, kept in its tombstone.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeleteParams {
    /// Why the record is deleted (kept in its tombstone and revision), 1 to 500 characters,
    /// not only white space, without NUL.
    // The pattern spells out what `str::trim` removes, as `SearchText`'s does: regex
    // engines disagree on `\s` (JavaScript's has no U+0085), and the server refuses NUL.
    #[param(
        min_length = 1,
        max_length = 500,
        pattern = r"^[^\u0000]*[^\u0000\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\u0000]*$",
        example = "Duplicate of another claim"
    )]
    reason: String,
}

/// The ETags in `If-Match`; 428 when the header is missing.
fn if_match(req: &HttpRequest) -> Result<IfMatch, ApiError> {
    let values: Vec<Condition> = req
        .headers()
        .get_all(header::IF_MATCH)
        .filter_map(caching::conditions)
        .flatten()
        .collect();
    if values.is_empty() {
        return Err(ApiError::PreconditionRequired);
    }
    Ok(IfMatch(values))
}

/// The `Idempotency-Key` of a create, if sent: 1 to 255 visible ASCII characters.
fn idempotency_key(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get("idempotency-key") else {
        return Ok(None);
    };
    let key = value.to_str().unwrap_or_default().trim();
    let valid = (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic());
    if valid {
        Ok(Some(key.to_owned()))
    } else {
        Err(ApiError::InvalidParameters(vec![ParameterError::new(
            "Idempotency-Key",
            "must be 1 to 255 visible ASCII characters (a UUID is a good choice)",
        )]))
    }
}

/// A response carrying a written record's representation, ETag and the dataset version the
/// write made (none when a patch changed nothing, or for a replay).
/// The process's dataset stamp is forgotten first when the write made a new version, so its
/// next read sees the change.
fn with_record(w: &Writer, status: StatusCode, written: Written) -> Result<HttpResponse, ApiError> {
    if written.version.is_some() {
        w.stamps.invalidate();
    }
    let mut res = HttpResponse::build(status);
    res.content_type("application/json");
    if let Ok(v) = HeaderValue::from_str(&written.record.etag) {
        res.insert_header((header::ETAG, v));
    }
    if let Some(version) = written.version {
        res.insert_header((DATASET_VERSION, version.to_string()));
    }
    if status == StatusCode::CREATED {
        let location =
            HeaderValue::from_str(&written.location).map_err(|e| ApiError::Internal(e.into()))?;
        res.insert_header((header::LOCATION, location));
    }
    if written.replayed {
        res.insert_header((REPLAYED, HeaderValue::from_static("true")));
    }
    Ok(res.body(written.record.bytes))
}

/// `POST /v1/{resource}`: creates a record; 201 with `Location`, `ETag` and the record.
#[tracing::instrument(skip_all)]
pub async fn create_record(
    w: Writer,
    req: &HttpRequest,
    payload: web::Payload,
    resource: Resource,
) -> Result<HttpResponse, ApiError> {
    let idempotency = idempotency_key(req)?;
    let doc = body::read_object(req, payload, JSON).await?;
    let written = w
        .curator
        .create(w.author(), resource, doc, idempotency.as_deref())
        .await?;
    with_record(&w, StatusCode::CREATED, written)
}

/// `PATCH /v1/{resource}/{id}`: applies a JSON Merge Patch; 200 with the new ETag and record.
#[tracing::instrument(skip_all)]
pub async fn patch_record(
    w: Writer,
    req: &HttpRequest,
    payload: web::Payload,
    resource: Resource,
    id: &str,
) -> Result<HttpResponse, ApiError> {
    let tags = if_match(req)?;
    let patch = Value::Object(body::read_object(req, payload, MERGE_PATCH).await?);
    let written = w
        .curator
        .patch(w.author(), resource, id, patch, &tags)
        .await?;
    with_record(&w, StatusCode::OK, written)
}

/// `DELETE /v1/{resource}/{id}?reason=...`: deletes a record nothing refers to; 200 with its
/// tombstone. Its id is never reused.
#[tracing::instrument(skip_all)]
pub async fn delete_record(
    w: Writer,
    req: &HttpRequest,
    params: Params<DeleteParams>,
    resource: Resource,
    id: &str,
) -> Result<HttpResponse, ApiError> {
    let tags = if_match(req)?;
    let reason = params.0.reason;
    if reason.trim().is_empty() || reason.chars().count() > 500 || reason.contains('\0') {
        return Err(ApiError::invalid(
            "reason",
            "must be 1 to 500 characters saying why (not only spaces)",
        ));
    }
    let deleted = w
        .curator
        .delete(w.author(), resource, id, reason.trim(), &tags)
        .await?;
    w.stamps.invalidate();
    Ok(HttpResponse::Ok()
        .insert_header((DATASET_VERSION, deleted.version.to_string()))
        .json(deleted.tombstone))
}

/// Declares the create, patch and delete operations of one collection. Each (`@op`) is
/// documented with its doc, tag, the bearer key, the 200 or 201 (`ok`) and its errors, then
/// its parameters and body; its handler takes the request, its own extractors and the
/// [`Writer`], and hands them to the write.
macro_rules! write_routes {
    (
        $resource:expr, $tag:literal, $collection:literal, $item:literal,
        $record:ty, $input:ty, $patch:ty,
        $create:ident, $update:ident, $remove:ident,
        $create_doc:literal, $update_doc:literal, $remove_doc:literal
    ) => {
        write_routes!(@op $create_doc, $tag, post($collection), CreateErrors,
            ok (status = 201, description = "Created: the record as a GET serves it. `Location` is its URL.", body = $record,
                headers(
                    ("Location" = String, description = "The new record's URL"),
                    ("ETag" = String, description = "The record's ETag, for `If-Match` on a later patch or delete"),
                    ("Idempotent-Replayed" = String, description = "`true` when this answers a retried `Idempotency-Key`"),
                    ("Durand-Dataset-Version" = i64, description = "The dataset version this create made (absent on a replay)"),
                )),
            params(
                ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried create safe: a retry with the same key and body returns the record created the first time (with `Idempotent-Replayed: true`) instead of creating another; the same key with another body is a 400. 1 to 255 visible ASCII characters, e.g. a UUID.", max_length = 255, min_length = 1, pattern = "^[!-~]+$"),
            ),
            request_body(content = $input, content_type = "application/json");
            $create(payload: web::Payload) => create_record(payload, $resource)
        );
        write_routes!(@op $update_doc, $tag, patch($item), PatchErrors,
            ok (status = 200, description = "Patched: the record as a GET now serves it.", body = $record,
                headers(
                    ("ETag" = String, description = "The record's new ETag"),
                    ("Durand-Dataset-Version" = i64, description = "The dataset version this patch made (absent when it changed nothing)"),
                )),
            params(
                ("id" = String, Path, description = "The record's id"),
                ("If-Match" = String, Header, description = "The ETag from your last GET of the record (or `*`). Required: a stale one is a 412, so you cannot overwrite a change you have not seen.", min_length = 1),
            ),
            request_body(
                description = "A JSON Merge Patch (RFC 7396): the fields to change. Sent as `application/merge-patch+json`; `application/json` is accepted too, meaning the same (one media type is listed so generated clients have one body to build).",
                content(($patch = "application/merge-patch+json"))
            );
            $update(payload: web::Payload, id: web::Path<String>) => patch_record(payload, $resource, &id)
        );
        write_routes!(@op $remove_doc, $tag, delete($item), DeleteErrors,
            ok (status = 200, description = "Deleted: the tombstone that GETs of the record now answer with (410).", body = crate::domain::Tombstone,
                headers(("Durand-Dataset-Version" = i64, description = "The dataset version this delete made"))),
            params(
                ("id" = String, Path, description = "The record's id"),
                ("If-Match" = String, Header, description = "The ETag from your last GET of the record (or `*`). Required: a stale one is a 412.", min_length = 1),
                DeleteParams,
            );
            $remove(params: Params<DeleteParams>, id: web::Path<String>) => delete_record(params, $resource, &id)
        );
    };
    (
        @op $doc:literal, $tag:literal, $method:ident($path:literal), $errors:ident, ok $ok:tt,
        $($operation:ident($($spec:tt)*)),+;
        $name:ident($($arg:ident: $ty:ty),+) => $write:ident($($with:expr),+)
    ) => {
        #[doc = $doc]
        #[utoipa::path(
            tag = $tag,
            security(("bearer" = [])),
            $($operation($($spec)*),)+
            responses($ok, crate::routes::v1::responses::$errors)
        )]
        #[$method($path)]
        #[tracing::instrument(skip_all)]
        pub async fn $name(req: HttpRequest, $($arg: $ty,)+ w: Writer) -> Result<HttpResponse, ApiError> {
            $write(w, &req, $($with),+).await
        }
    };
}

write_routes!(
    Resource::Sources,
    "sources",
    "/sources",
    "/sources/{id}",
    crate::domain::Source,
    body::SourceInput,
    body::SourcePatch,
    create_source,
    patch_source,
    delete_source,
    "Create a source\n\nAdds a publication that records can cite. Needs a key with scope `write`.",
    "Correct a source\n\nChanges the fields in the JSON Merge Patch body. Needs `If-Match` with the ETag of your last GET.",
    "Delete a source\n\nOnly a source nothing cites can be deleted (409 lists what still does). GETs then answer 410 with the tombstone."
);
write_routes!(
    Resource::Actors,
    "actors",
    "/actors",
    "/actors/{id}",
    crate::domain::Actor,
    body::ActorInput,
    body::ActorPatch,
    create_actor,
    patch_actor,
    delete_actor,
    "Create an actor\n\nAdds a state, group or person. Every relation must name an existing actor and cite an existing source.",
    "Correct an actor\n\nChanges the fields in the JSON Merge Patch body. Needs `If-Match` with the ETag of your last GET.",
    "Delete an actor\n\nOnly an actor no claim, incident, figure or relation names can be deleted (409 lists what still does)."
);
write_routes!(
    Resource::Incidents,
    "incidents",
    "/incidents",
    "/incidents/{id}",
    crate::domain::Incident,
    body::IncidentInput,
    body::IncidentPatch,
    create_incident,
    patch_incident,
    delete_incident,
    "Create an incident\n\nAdds an event at a place and time. Its `claims` list is derived from the claims that name it.",
    "Correct an incident\n\nChanges the fields in the JSON Merge Patch body. Needs `If-Match` with the ETag of your last GET.",
    "Delete an incident\n\nOnly an incident no claim names can be deleted (409 lists the claims that still do)."
);
write_routes!(
    Resource::Claims,
    "claims",
    "/claims",
    "/claims/{id}",
    crate::domain::Claim,
    body::ClaimInput,
    body::ClaimPatch,
    create_claim,
    patch_claim,
    delete_claim,
    "Add a claim\n\nRecords a party's statement: the claimant and at least one source are required, every figure keeps its qualifier. Naming claims in `contradicted_by` also adds this claim to theirs (contradictions stay mutual); their revisions are part of the same version.",
    "Correct a claim\n\nChanges the fields in the JSON Merge Patch body. Needs `If-Match` with the ETag of your last GET. Changes to `contradicted_by` are mirrored on the claims named.",
    "Delete a claim\n\nOnly a claim no other claim lists in `contradicted_by` can be deleted: patch the contradiction away first."
);
write_routes!(
    Resource::ForceFigures,
    "force-figures",
    "/force-figures",
    "/force-figures/{id}",
    crate::domain::ForceFigure,
    body::ForceFigureInput,
    body::ForceFigurePatch,
    create_force_figure,
    patch_force_figure,
    delete_force_figure,
    "Add a force figure\n\nRecords a force-strength number with whoever stated it and its source.",
    "Correct a force figure\n\nChanges the fields in the JSON Merge Patch body. Needs `If-Match` with the ETag of your last GET.",
    "Delete a force figure\n\nGETs of it then answer 410 with the tombstone."
);
