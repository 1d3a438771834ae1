//! Editors' writes: `POST` (create), `PATCH` (JSON Merge Patch) and `DELETE` on the five
//! collections, each one transaction and one dataset version, with a revision per record.
//!
//! Lost updates are impossible: `PATCH` and `DELETE` need `If-Match` with the ETag a GET of
//! the record served, compared while holding the write lock. Writes are serialised, within
//! this process by [`WriteGate`] (so a waiting writer holds no database connection) and across
//! replicas by the advisory lock in [`history::lock`].

use std::collections::BTreeSet;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, delete, patch, post, web};
use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};
use utoipa::IntoParams;

use super::body::{self, JSON, MERGE_PATCH};
use crate::auth::Editor;
use crate::caching::{DATASET_VERSION, DatasetStamp, etag_of};
use crate::domain::record::references_in;
use crate::domain::{ActorId, ClaimId, ForceFigureId, IncidentId, Resource, SourceId};
use crate::domain::{Record, Reference};
use crate::error::{ApiError, ParameterError};
use crate::extract::Params;
use crate::store;
use crate::store::curation;
use crate::store::history::{self, Change};

/// Serialises writes within this process, before any database connection is taken.
#[derive(Default)]
pub struct WriteGate(tokio::sync::Mutex<()>);

/// Whether an `Idempotency-Key` create was replayed.
const REPLAYED: header::HeaderName = header::HeaderName::from_static("idempotent-replayed");

/// What every write handler needs besides its request.
pub struct Writer<'a> {
    pub pool: &'a PgPool,
    pub gate: &'a WriteGate,
    pub stamps: &'a DatasetStamp,
    pub editor: &'a Editor,
}

/// The query of `DELETE`: why the record is deleted, kept in its tombstone.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeleteParams {
    /// Why the record is deleted (kept in its tombstone and revision), 1 to 500 characters,
    /// not only spaces.
    #[param(
        min_length = 1,
        max_length = 500,
        pattern = "\\S",
        example = "Duplicate of another claim"
    )]
    reason: String,
}

/// The record's representation as `GET /v1/{resource}/{id}` serves it, with its ETag, or
/// `None` when it does not exist. Reads committed data: call it after taking the write lock
/// (every earlier write has committed) or after committing.
pub async fn representation(
    pool: &PgPool,
    resource: Resource,
    id: &str,
) -> Result<Option<(Vec<u8>, String)>, ApiError> {
    let pool = &store::Reader::current(pool.clone());
    fn bytes<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, ApiError> {
        serde_json::to_vec(value).map_err(|e| ApiError::Internal(e.into()))
    }
    let body = match resource {
        Resource::Sources => match SourceId::parse(id) {
            Ok(id) => store::sources::get_source(pool, &id)
                .await?
                .map(|r| bytes(&r)),
            Err(_) => None,
        },
        Resource::Actors => match ActorId::parse(id) {
            Ok(id) => store::actors::get_actor(pool, &id)
                .await?
                .map(|r| bytes(&r)),
            Err(_) => None,
        },
        Resource::Incidents => match IncidentId::parse(id) {
            Ok(id) => store::incidents::get_incident(pool, &id)
                .await?
                .map(|r| bytes(&r)),
            Err(_) => None,
        },
        Resource::Claims => match ClaimId::parse(id) {
            Ok(id) => super::claims::attributed_claim(pool, &id)
                .await?
                .map(|r| bytes(&r)),
            Err(_) => None,
        },
        Resource::ForceFigures => match ForceFigureId::parse(id) {
            Ok(id) => super::force_figures::attributed_force_figure(pool, &id)
                .await?
                .map(|r| bytes(&r)),
            Err(_) => None,
        },
    };
    body.transpose().map(|b| {
        b.map(|bytes| {
            let etag = etag_of(&bytes);
            (bytes, etag)
        })
    })
}

/// The ETags in `If-Match`; 428 when the header is missing.
fn if_match(req: &HttpRequest) -> Result<Vec<String>, ApiError> {
    let values: Vec<String> = req
        .headers()
        .get_all(header::IF_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect();
    if values.is_empty() {
        return Err(ApiError::PreconditionRequired);
    }
    Ok(values)
}

/// Strong comparison (RFC 9110 §13.1.1): `*`, or exactly the current ETag (never a weak one).
fn matches(tags: &[String], current: &str) -> bool {
    tags.iter().any(|t| t == "*" || t == current)
}

/// The 404 or 410 for a record that is not there now.
async fn missing(conn: &mut PgConnection, resource: Resource, id: &str) -> ApiError {
    ApiError::gone_or(
        history::tombstone(conn, resource, id, None).await,
        ApiError::NotFound(format!("No record of `{resource}` has the id `{id}`.")),
    )
}

/// Checks every reference resolves; adds an error per dangling one.
async fn check_references(
    conn: &mut PgConnection,
    references: &[Reference],
    errors: &mut Vec<ParameterError>,
) -> Result<(), ApiError> {
    for (reference, deleted) in curation::dangling(conn, references).await? {
        let what = reference.resource.as_str().trim_end_matches('s');
        let detail = if deleted {
            format!("{what} `{}` was deleted", reference.id)
        } else {
            format!("{what} `{}` does not exist", reference.id)
        };
        errors.push(ParameterError::at(reference.pointer, detail));
    }
    Ok(())
}

/// Keeps contradictions mutual: the claims `claim` now names as contradicting it list it
/// back, and those it no longer names stop listing it. Returns their revisions.
async fn reconcile_contradictions(
    conn: &mut PgConnection,
    claim: &crate::domain::Claim,
    before: &[ClaimId],
    errors: &mut Vec<ParameterError>,
) -> Result<Vec<Change>, ApiError> {
    let now: BTreeSet<&ClaimId> = claim.contradicted_by.iter().collect();
    let was: BTreeSet<&ClaimId> = before.iter().collect();
    let mut changes = Vec::new();
    for other_id in now.symmetric_difference(&was) {
        let Some(mut other) = curation::claim(conn, other_id).await? else {
            continue; // reported as a dangling reference
        };
        let before_doc =
            store::records::stored_doc(conn, Resource::Claims, other_id.as_str()).await?;
        if now.contains(other_id) {
            if other.contradicted_by.contains(&claim.id) {
                continue;
            }
            other.contradicted_by.push(claim.id.clone());
        } else {
            other.contradicted_by.retain(|c| c != &claim.id);
            if let Some(problem) = other.problems().into_iter().next() {
                errors.push(ParameterError::at(
                    "/contradicted_by",
                    format!(
                        "no longer naming `{other_id}` would leave that claim invalid ({problem}); change it first"
                    ),
                ));
                continue;
            }
        }
        if let Some(after) = store::records::upsert(conn, &Record::Claim(other)).await? {
            changes.push(Change {
                resource: Resource::Claims,
                id: other_id.to_string(),
                before: before_doc,
                after: Some(after),
                reason: None,
            });
        }
    }
    Ok(changes)
}

/// Validates `doc` as a record of `resource` and checks its references: the record, or a
/// 422 listing every problem.
async fn checked(
    conn: &mut PgConnection,
    resource: Resource,
    doc: Value,
) -> Result<Record, ApiError> {
    let record = validated(conn, resource, doc).await?;
    with_references_checked(conn, record).await
}

/// The record `doc` parses to, or a 422 listing every problem at once: what the schema, the
/// domain types and the record's rules find, and, when any of those fail, every dangling
/// reference too (read from the body itself), so one bad field hides nothing else.
async fn validated(
    conn: &mut PgConnection,
    resource: Resource,
    doc: Value,
) -> Result<Record, ApiError> {
    let references = references_in(resource, &doc);
    match body::validate(resource, doc) {
        Ok(record) => Ok(record),
        Err(mut errors) => {
            // A field already reported (a malformed id, a NUL) is not looked up as well.
            let unreported: Vec<Reference> = references
                .into_iter()
                .filter(|r| {
                    !errors
                        .iter()
                        .any(|e| e.pointer.as_deref() == Some(&r.pointer))
                })
                .collect();
            check_references(conn, &unreported, &mut errors).await?;
            Err(ApiError::InvalidBody(errors))
        }
    }
}

/// The record, once every record it names exists; else a 422 listing each dangling name.
async fn with_references_checked(
    conn: &mut PgConnection,
    record: Record,
) -> Result<Record, ApiError> {
    let mut errors = Vec::new();
    check_references(conn, &record.references(), &mut errors).await?;
    let credit = match &record {
        Record::Claim(c) => Some((&c.claimant, c.relayed_by.as_ref(), &c.sources)),
        Record::ForceFigure(f) => Some((&f.claimant, None, &f.sources)),
        _ => None,
    };
    if let Some((claimant, relayed_by, cited)) = credit {
        let sources = curation::second_hand_sources(conn).await?;
        for problem in
            crate::domain::dataset::credit_problems(claimant, relayed_by, cited, &sources)
        {
            errors.push(ParameterError::at("/claimant", problem));
        }
    }
    if let Record::Source(source) = &record
        && let Some(via) = &source.cited_in
        && curation::cited_in_chain(conn, via.as_str())
            .await?
            .iter()
            .any(|s| s == source.id.as_str())
    {
        errors.push(ParameterError::at(
            "/cited_in",
            format!(
                "`{via}` is itself cited in this source (directly or not): the chain would loop"
            ),
        ));
    }
    if errors.is_empty() {
        Ok(record)
    } else {
        Err(ApiError::InvalidBody(errors))
    }
}

/// Writes `record` (and, for a claim, its counterparts) and commits a dataset version.
async fn write_record(
    conn: &mut PgConnection,
    record: Record,
    before: Option<Value>,
    author: &str,
) -> Result<Option<i64>, ApiError> {
    let mut errors = Vec::new();
    let mut changes = Vec::new();
    if let Record::Claim(claim) = &record {
        let was: Vec<ClaimId> = before
            .as_ref()
            .and_then(|b| serde_json::from_value::<crate::domain::Claim>(b.clone()).ok())
            .map(|c| c.contradicted_by)
            .unwrap_or_default();
        changes = reconcile_contradictions(conn, claim, &was, &mut errors).await?;
    }
    if !errors.is_empty() {
        return Err(ApiError::InvalidBody(errors));
    }
    let Some(after) = store::records::upsert(conn, &record).await? else {
        return Ok(None);
    };
    changes.insert(
        0,
        Change {
            resource: record.resource(),
            id: record.id().to_owned(),
            before,
            after: Some(after),
            reason: None,
        },
    );
    let (version, _) = history::commit_version(conn, author, &changes).await?;
    Ok(Some(version))
}

/// A response carrying a record's representation and ETag, and the dataset version the
/// write made (none when a patch changed nothing, or for a replay).
fn with_record(
    status: StatusCode,
    bytes: Vec<u8>,
    etag: &str,
    version: Option<i64>,
) -> HttpResponse {
    let mut res = HttpResponse::build(status);
    res.content_type("application/json");
    if let Ok(v) = HeaderValue::from_str(etag) {
        res.insert_header((header::ETAG, v));
    }
    if let Some(version) = version {
        res.insert_header((DATASET_VERSION, version.to_string()));
    }
    res.body(bytes)
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

/// The answer to a retried create: the record the first request created, as it is now.
async fn replay(
    w: &Writer<'_>,
    resource: Resource,
    earlier: curation::IdempotentCreate,
    hash: &[u8],
) -> Result<HttpResponse, ApiError> {
    if earlier.request_hash != hash {
        return Err(ApiError::InvalidParameters(vec![ParameterError::new(
            "Idempotency-Key",
            "was already used for a different request; use a new key for a new create",
        )]));
    }
    let location = earlier.location.unwrap_or_default();
    let id = location.rsplit('/').next().unwrap_or_default().to_owned();
    let Some((bytes, etag)) = representation(w.pool, resource, &id).await? else {
        let mut conn = w.pool.acquire().await?;
        return Err(missing(&mut conn, resource, &id).await);
    };
    let mut res = with_record(StatusCode::CREATED, bytes, &etag, None);
    let headers = res.headers_mut();
    headers.insert(
        header::LOCATION,
        HeaderValue::from_str(&location).map_err(|e| ApiError::Internal(e.into()))?,
    );
    headers.insert(REPLAYED, HeaderValue::from_static("true"));
    Ok(res)
}

/// `POST /v1/{resource}`: creates a record; 201 with `Location`, `ETag` and the record.
pub async fn create_record(
    w: Writer<'_>,
    req: &HttpRequest,
    payload: web::Payload,
    resource: Resource,
) -> Result<HttpResponse, ApiError> {
    let idempotency = idempotency_key(req)?;
    let mut doc = body::read_object(req, payload, JSON).await?;
    let request_hash = idempotency.as_ref().map(|_| {
        let mut h = Sha256::new();
        h.update(req.path().as_bytes());
        h.update([0]);
        h.update(Value::Object(doc.clone()).to_string().as_bytes());
        h.finalize().to_vec()
    });

    let _gate = w.gate.0.lock().await;
    let mut tx = w.pool.begin().await?;
    history::lock(&mut tx).await?;

    if let (Some(key), Some(hash)) = (&idempotency, &request_hash)
        && let Some(earlier) = curation::idempotent_create(&mut tx, w.editor.key.id, key).await?
    {
        tx.rollback().await?;
        return replay(&w, resource, earlier, hash).await;
    }

    let id = match doc.get("id") {
        Some(Value::String(id)) => id.clone(),
        Some(_) => String::new(), // the schema reports it
        None => {
            let hint = Record::id_hint(resource, &Value::Object(doc.clone()));
            let id = curation::free_id(&mut tx, resource, &hint).await?;
            doc.insert("id".into(), Value::String(id.clone()));
            id
        }
    };
    let record = checked(&mut tx, resource, Value::Object(doc)).await?;
    if curation::exists(&mut tx, resource, &id).await? {
        return Err(ApiError::Conflict(
            format!(
                "A record of `{resource}` already has the id `{id}`; PATCH it, or propose another id."
            ),
            vec![ParameterError::at("/id", "is taken")],
        ));
    }
    if let Some(t) = history::tombstone(&mut tx, resource, &id, None).await? {
        return Err(ApiError::Conflict(
            format!(
                "`{resource}/{id}` was deleted in dataset version {}; deleted ids are never reused.",
                t.version
            ),
            vec![ParameterError::at(
                "/id",
                "was deleted and cannot be reused",
            )],
        ));
    }
    let location = format!("/v1/{resource}/{id}");
    let version = write_record(&mut tx, record, None, w.editor.name()).await?;
    if let (Some(key), Some(hash)) = (&idempotency, &request_hash) {
        let created = store::records::stored_doc(&mut tx, resource, &id)
            .await?
            .unwrap_or_default();
        curation::remember_create(&mut tx, w.editor.key.id, key, hash, &location, &created).await?;
    }
    tx.commit().await?;
    w.stamps.invalidate();
    let (bytes, etag) = representation(w.pool, resource, &id)
        .await?
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("created record vanished")))?;
    let mut res = with_record(StatusCode::CREATED, bytes, &etag, version);
    res.headers_mut().insert(
        header::LOCATION,
        HeaderValue::from_str(&location).map_err(|e| ApiError::Internal(e.into()))?,
    );
    Ok(res)
}

/// `PATCH /v1/{resource}/{id}`: applies a JSON Merge Patch; 200 with the new ETag and record.
pub async fn patch_record(
    w: Writer<'_>,
    req: &HttpRequest,
    payload: web::Payload,
    resource: Resource,
    id: &str,
) -> Result<HttpResponse, ApiError> {
    let tags = if_match(req)?;
    let patch = body::read_object(req, payload, MERGE_PATCH).await?;
    let patch = Value::Object(patch);
    // The patch's own shape first: a malformed patch is a 422 whatever the record's state.
    body::validate_patch(resource, &patch).map_err(ApiError::InvalidBody)?;

    let _gate = w.gate.0.lock().await;
    let mut tx = w.pool.begin().await?;
    history::lock(&mut tx).await?;
    let Some(before) = store::records::stored_doc(&mut tx, resource, id).await? else {
        return Err(missing(&mut tx, resource, id).await);
    };
    if patch.get("id").is_some_and(|new| new.as_str() != Some(id)) {
        return Err(ApiError::InvalidBody(vec![ParameterError::at(
            "/id",
            "cannot change; create a new record and delete this one instead",
        )]));
    }
    let mut doc = before.clone();
    if let Value::Object(fields) = &mut doc {
        for field in body::read_only(resource) {
            fields.remove(*field);
        }
    }
    body::merge_patch(&mut doc, &patch);
    // Whether the patched record is valid does not depend on the ETag: say so first (422),
    // then refuse a stale write (412), then check what it refers to.
    let record = validated(&mut tx, resource, doc).await?;
    let (_, current) = representation(w.pool, resource, id)
        .await?
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("record vanished under the lock")))?;
    if !matches(&tags, &current) {
        return Err(ApiError::PreconditionFailed { current });
    }
    let record = with_references_checked(&mut tx, record).await?;
    let version = write_record(&mut tx, record, Some(before), w.editor.name()).await?;
    tx.commit().await?;
    if version.is_some() {
        w.stamps.invalidate();
    }
    let (bytes, etag) = representation(w.pool, resource, id)
        .await?
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("patched record vanished")))?;
    Ok(with_record(StatusCode::OK, bytes, &etag, version))
}

/// `DELETE /v1/{resource}/{id}?reason=...`: deletes a record nothing refers to; 200 with its
/// tombstone. Its id is never reused.
pub async fn delete_record(
    w: Writer<'_>,
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
    let reason = reason.trim();

    let _gate = w.gate.0.lock().await;
    let mut tx = w.pool.begin().await?;
    history::lock(&mut tx).await?;
    if store::records::stored_doc(&mut tx, resource, id)
        .await?
        .is_none()
    {
        return Err(missing(&mut tx, resource, id).await);
    }
    let (_, current) = representation(w.pool, resource, id)
        .await?
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("record vanished under the lock")))?;
    if !matches(&tags, &current) {
        return Err(ApiError::PreconditionFailed { current });
    }
    let referrers = curation::referrers(&mut tx, resource, id).await?;
    if !referrers.is_empty() {
        return Err(ApiError::Conflict(
            format!(
                "`{resource}/{id}` is still referred to by {} record(s); change or delete them first.",
                referrers.len()
            ),
            referrers
                .into_iter()
                .map(|r| ParameterError::at("", format!("`{r}` refers to this record")))
                .collect(),
        ));
    }
    let before = curation::delete(&mut tx, resource, id).await?;
    let change = Change {
        resource,
        id: id.to_owned(),
        before,
        after: None,
        reason: Some(reason.to_owned()),
    };
    let (version, _) =
        history::commit_version(&mut tx, w.editor.name(), std::slice::from_ref(&change)).await?;
    curation::bury(&mut tx, &change, version, w.editor.name()).await?;
    let tombstone = history::tombstone(&mut tx, resource, id, None)
        .await?
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("tombstone vanished")))?;
    tx.commit().await?;
    w.stamps.invalidate();
    Ok(HttpResponse::Ok()
        .insert_header((DATASET_VERSION, version.to_string()))
        .json(tombstone))
}

/// Declares the create, patch and delete operations of one collection.
macro_rules! write_routes {
    (
        $resource:expr, $tag:literal, $collection:literal, $item:literal,
        $record:ty, $input:ty, $patch:ty,
        $create:ident, $update:ident, $remove:ident,
        $create_doc:literal, $update_doc:literal, $remove_doc:literal
    ) => {
        #[doc = $create_doc]
        #[utoipa::path(
            tag = $tag,
            security(("bearer" = [])),
            params(
                ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried create safe: a retry with the same key and body returns the record created the first time (with `Idempotent-Replayed: true`) instead of creating another; the same key with another body is a 400. 1 to 255 visible ASCII characters, e.g. a UUID.", max_length = 255, min_length = 1, pattern = "^[!-~]+$"),
            ),
            request_body(content = $input, content_type = "application/json"),
            responses(
                (status = 201, description = "Created: the record as a GET serves it. `Location` is its URL.", body = $record,
                    headers(
                        ("Location" = String, description = "The new record's URL"),
                        ("ETag" = String, description = "The record's ETag, for `If-Match` on a later patch or delete"),
                        ("Idempotent-Replayed" = String, description = "`true` when this answers a retried `Idempotency-Key`"),
                        ("Durand-Dataset-Version" = i64, description = "The dataset version this create made (absent on a replay)"),
                    )),
                (status = 400, response = crate::error::MalformedBody),
                (status = 401, response = crate::error::Unauthorized),
                (status = 403, response = crate::error::Forbidden),
                (status = 409, response = crate::error::Conflict),
                (status = 410, response = crate::error::Gone),
                (status = 413, response = crate::error::PayloadTooLarge),
                (status = 415, response = crate::error::UnsupportedMediaType),
                (status = 422, response = crate::error::UnprocessableBody),
                (status = 429, response = crate::error::TooManyRequests),
                (status = 500, response = crate::error::InternalError),
                (status = 503, response = crate::error::Unavailable),
            )
        )]
        #[post($collection)]
        pub async fn $create(
            req: HttpRequest,
            payload: web::Payload,
            editor: Editor,
            pool: web::Data<PgPool>,
            gate: web::Data<WriteGate>,
            stamps: web::Data<DatasetStamp>,
        ) -> Result<HttpResponse, ApiError> {
            let w = Writer { pool: &pool, gate: &gate, stamps: &stamps, editor: &editor };
            create_record(w, &req, payload, $resource).await
        }

        #[doc = $update_doc]
        #[utoipa::path(
            tag = $tag,
            security(("bearer" = [])),
            params(
                ("id" = String, Path, description = "The record's id"),
                ("If-Match" = String, Header, description = "The ETag from your last GET of the record (or `*`). Required: a stale one is a 412, so you cannot overwrite a change you have not seen.", min_length = 1),
            ),
            request_body(
                description = "A JSON Merge Patch (RFC 7396): the fields to change.",
                content(
                    ($patch = "application/merge-patch+json"),
                    ($patch = "application/json"),
                )
            ),
            responses(
                (status = 200, description = "Patched: the record as a GET now serves it.", body = $record,
                    headers(
                        ("ETag" = String, description = "The record's new ETag"),
                        ("Durand-Dataset-Version" = i64, description = "The dataset version this patch made (absent when it changed nothing)"),
                    )),
                (status = 400, response = crate::error::MalformedBody),
                (status = 401, response = crate::error::Unauthorized),
                (status = 403, response = crate::error::Forbidden),
                (status = 404, response = crate::error::NotFound),
                (status = 410, response = crate::error::Gone),
                (status = 412, response = crate::error::PreconditionFailed),
                (status = 413, response = crate::error::PayloadTooLarge),
                (status = 415, response = crate::error::UnsupportedMediaType),
                (status = 422, response = crate::error::UnprocessableBody),
                (status = 428, response = crate::error::PreconditionRequired),
                (status = 429, response = crate::error::TooManyRequests),
                (status = 500, response = crate::error::InternalError),
                (status = 503, response = crate::error::Unavailable),
            )
        )]
        #[patch($item)]
        pub async fn $update(
            req: HttpRequest,
            payload: web::Payload,
            id: web::Path<String>,
            editor: Editor,
            pool: web::Data<PgPool>,
            gate: web::Data<WriteGate>,
            stamps: web::Data<DatasetStamp>,
        ) -> Result<HttpResponse, ApiError> {
            let w = Writer { pool: &pool, gate: &gate, stamps: &stamps, editor: &editor };
            patch_record(w, &req, payload, $resource, &id).await
        }

        #[doc = $remove_doc]
        #[utoipa::path(
            tag = $tag,
            security(("bearer" = [])),
            params(
                ("id" = String, Path, description = "The record's id"),
                ("If-Match" = String, Header, description = "The ETag from your last GET of the record (or `*`). Required: a stale one is a 412.", min_length = 1),
                DeleteParams,
            ),
            responses(
                (status = 200, description = "Deleted: the tombstone that GETs of the record now answer with (410).", body = crate::store::history::Tombstone,
                    headers(("Durand-Dataset-Version" = i64, description = "The dataset version this delete made"))),
                (status = 400, response = crate::error::BadRequest),
                (status = 401, response = crate::error::Unauthorized),
                (status = 403, response = crate::error::Forbidden),
                (status = 404, response = crate::error::NotFound),
                (status = 409, response = crate::error::Conflict),
                (status = 410, response = crate::error::Gone),
                (status = 412, response = crate::error::PreconditionFailed),
                (status = 428, response = crate::error::PreconditionRequired),
                (status = 429, response = crate::error::TooManyRequests),
                (status = 500, response = crate::error::InternalError),
                (status = 503, response = crate::error::Unavailable),
            )
        )]
        #[delete($item)]
        pub async fn $remove(
            req: HttpRequest,
            params: Params<DeleteParams>,
            id: web::Path<String>,
            editor: Editor,
            pool: web::Data<PgPool>,
            gate: web::Data<WriteGate>,
            stamps: web::Data<DatasetStamp>,
        ) -> Result<HttpResponse, ApiError> {
            let w = Writer { pool: &pool, gate: &gate, stamps: &stamps, editor: &editor };
            delete_record(w, &req, params, $resource, &id).await
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
