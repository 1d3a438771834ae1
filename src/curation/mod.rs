//! Editors' writes, between the HTTP layer and the store: create, patch and delete, each one
//! transaction that takes the write lock, checks the record, writes it, and commits one
//! dataset version with a revision per record it changed.
//!
//! Lost updates are impossible: a patch or delete names the ETag of the representation the
//! writer last read, compared while holding the lock. Writes are serialised within this
//! process by a mutex taken before any connection (a waiting writer holds none), and across
//! processes by the advisory lock in [`history::lock`].

mod checks;
mod error;
pub mod validation;

use std::sync::Arc;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool, Postgres, Transaction};
use tokio::sync::Mutex;

pub use error::CurationError;
pub use validation::Validators;

use crate::caching::Condition;
use crate::domain::{Change, Claim, ClaimId, Record, Resource, Tombstone};
use crate::representation::{self, Representation};
use crate::store::history;
use crate::store::{self, Reader, curation};

/// Who writes: the key's id (idempotency keys are per key) and the name its revisions carry.
#[derive(Debug, Clone, Copy)]
pub struct Author<'a> {
    pub key_id: i64,
    pub name: &'a str,
}

/// What `If-Match` named: `*` or exact ETags, compared strongly (RFC 9110 §13.1.1). The ETag
/// of a compressed read (`"…-gzip"`) names the same record as the identity one.
#[derive(Debug, Clone)]
pub struct IfMatch(pub Vec<Condition>);

impl IfMatch {
    /// `If-Match: *`: whatever the record's current ETag.
    pub fn any() -> Self {
        Self(vec![Condition::Any])
    }

    fn admits(&self, current: &str) -> bool {
        self.0.iter().any(|c| match c {
            Condition::Any => true,
            Condition::Tag(tag) if !tag.weak => {
                crate::encoding::identity_etag(&tag.to_string()) == current
            }
            Condition::Tag(_) | Condition::Malformed => false,
        })
    }
}

/// A record written (or, for a retried create, found): its representation and the dataset
/// version the write made (`None` when a patch changed nothing, or for a replay).
#[derive(Debug)]
pub struct Written {
    pub record: Representation,
    pub version: Option<i64>,
    /// The record's URL path (`/v1/claims/{id}`).
    pub location: String,
    /// Whether this answers a retried create rather than creating.
    pub replayed: bool,
}

/// A deleted record's tombstone and the version that deleted it.
#[derive(Debug)]
pub struct Deleted {
    pub tombstone: Tombstone,
    pub version: i64,
}

/// The write path: the primary's pool, the in-process writer gate, and the compiled write
/// schemas.
pub struct Curator {
    pool: PgPool,
    gate: tokio::sync::Mutex<()>,
    /// How long a write waits for the one before it (here, and for the database's lock:
    /// `lock_timeout` on the serving pool) before it answers busy.
    wait: std::time::Duration,
    validators: Validators,
}

impl Curator {
    pub fn new(pool: PgPool, validators: Validators) -> Self {
        Self {
            pool,
            gate: tokio::sync::Mutex::new(()),
            wait: std::time::Duration::from_secs(3),
            validators,
        }
    }

    /// The longest a write waits for the writes before it in this process.
    pub fn waiting_at_most(mut self, wait: std::time::Duration) -> Self {
        self.wait = wait;
        self
    }

    /// Takes this process's writer gate, waiting at most [`Curator::waiting_at_most`].
    async fn gate(&self) -> Result<tokio::sync::MutexGuard<'_, ()>, CurationError> {
        tokio::time::timeout(self.wait, self.gate.lock())
            .await
            .map_err(|_| CurationError::Busy)
    }

    /// Creates a record from `doc`. Without an `id`, picks a free one from its name or title.
    /// With an `idempotency_key`, a retry of the same request returns the record it created.
    #[tracing::instrument(skip_all, fields(resource = %resource))]
    pub async fn create(
        &self,
        author: Author<'_>,
        resource: Resource,
        mut doc: Map<String, Value>,
        idempotency_key: Option<&str>,
    ) -> Result<Written, CurationError> {
        let request_hash = idempotency_key.map(|_| request_hash(resource, &doc));

        let _gate = self.gate().await?;
        let mut tx = self.pool.begin().await?;
        history::lock(&mut tx).await?;

        if let (Some(key), Some(hash)) = (idempotency_key, &request_hash)
            && let Some(earlier) = curation::idempotent_create(&mut tx, author.key_id, key).await?
        {
            tx.rollback().await?;
            if &earlier.request_hash != hash {
                return Err(CurationError::IdempotencyKeyReused);
            }
            let id = earlier.record_id;
            return Ok(Written {
                record: self.current(resource, &id).await?,
                version: None,
                location: format!("/v1/{resource}/{id}"),
                replayed: true,
            });
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
        let record =
            checks::validated(&mut tx, &self.validators, resource, Value::Object(doc)).await?;
        let record = checks::consistent(&mut tx, record).await?;
        if curation::exists(&mut tx, resource, &id).await? {
            return Err(CurationError::IdTaken { resource, id });
        }
        if let Some(t) = history::tombstone(&mut tx, resource, &id, None).await? {
            return Err(CurationError::IdRetired {
                resource,
                id,
                deleted_in: t.version,
            });
        }
        let location = format!("/v1/{resource}/{id}");
        let version = write(&mut tx, record, None, author.name).await?;
        if let (Some(key), Some(hash)) = (idempotency_key, &request_hash) {
            curation::remember_create(&mut tx, author.key_id, key, hash, &id).await?;
        }
        let (tx, record) = read_back(tx, resource, &id).await?;
        tx.commit().await?;
        Ok(Written {
            record,
            version,
            location,
            replayed: false,
        })
    }

    /// Applies a JSON Merge Patch (RFC 7396) to `resource/id`, if `if_match` names its current
    /// ETag. A malformed patch is refused whatever the record's state; a patched record that
    /// breaks a rule is refused before a stale ETag is.
    #[tracing::instrument(skip_all, fields(resource = %resource))]
    pub async fn patch(
        &self,
        author: Author<'_>,
        resource: Resource,
        id: &str,
        patch: Value,
        if_match: &IfMatch,
    ) -> Result<Written, CurationError> {
        self.validators
            .patch(resource, &patch)
            .map_err(CurationError::Invalid)?;

        let _gate = self.gate().await?;
        let mut tx = self.pool.begin().await?;
        history::lock(&mut tx).await?;
        let Some(before) = store::records::stored_doc(&mut tx, resource, id).await? else {
            return Err(missing(&mut tx, resource, id).await);
        };
        if patch.get("id").is_some_and(|new| new.as_str() != Some(id)) {
            return Err(CurationError::Invalid(vec![
                crate::domain::problem::Problem::at(
                    "/id",
                    "cannot change; create a new record and delete this one instead",
                ),
            ]));
        }
        let mut doc = before.clone();
        if let Value::Object(fields) = &mut doc {
            for field in resource.read_only_fields() {
                fields.remove(*field);
            }
        }
        json_patch::merge(&mut doc, &patch);
        let record = checks::validated(&mut tx, &self.validators, resource, doc).await?;
        let current = self.current(resource, id).await?;
        if !if_match.admits(&current.etag) {
            return Err(CurationError::Stale {
                current: current.etag,
            });
        }
        let record = checks::consistent(&mut tx, record).await?;
        let version = write(&mut tx, record, Some(before), author.name).await?;
        let (tx, record) = read_back(tx, resource, id).await?;
        tx.commit().await?;
        Ok(Written {
            record,
            version,
            location: format!("/v1/{resource}/{id}"),
            replayed: false,
        })
    }

    /// Deletes `resource/id` if `if_match` names its current ETag and nothing refers to it;
    /// its id is never reused.
    #[tracing::instrument(skip_all, fields(resource = %resource))]
    pub async fn delete(
        &self,
        author: Author<'_>,
        resource: Resource,
        id: &str,
        reason: &str,
        if_match: &IfMatch,
    ) -> Result<Deleted, CurationError> {
        let _gate = self.gate().await?;
        let mut tx = self.pool.begin().await?;
        history::lock(&mut tx).await?;
        if store::records::stored_doc(&mut tx, resource, id)
            .await?
            .is_none()
        {
            return Err(missing(&mut tx, resource, id).await);
        }
        let current = self.current(resource, id).await?;
        if !if_match.admits(&current.etag) {
            return Err(CurationError::Stale {
                current: current.etag,
            });
        }
        let referrers = curation::referrers(&mut tx, resource, id).await?;
        if !referrers.is_empty() {
            return Err(CurationError::StillReferenced {
                resource,
                id: id.to_owned(),
                referrers,
            });
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
            history::commit_version(&mut tx, author.name, std::slice::from_ref(&change)).await?;
        curation::bury(&mut tx, &change, version, author.name).await?;
        let tombstone = history::tombstone(&mut tx, resource, id, None)
            .await?
            .ok_or(CurationError::Broken("the tombstone vanished"))?;
        tx.commit().await?;
        Ok(Deleted { tombstone, version })
    }

    /// The record's committed representation, as a GET serves it. Called under the write
    /// lock (every earlier write has committed) or after committing.
    async fn current(&self, resource: Resource, id: &str) -> Result<Representation, CurationError> {
        match representation::of(&Reader::current(self.pool.clone()), resource, id).await? {
            Some(r) => Ok(r),
            None => {
                let mut conn = self.pool.acquire().await?;
                Err(missing(&mut conn, resource, id).await)
            }
        }
    }
}

/// The record as its GET will serve it once `tx` commits, read inside `tx`: nothing is left
/// to fail after the commit, so a write that committed is always answered as a success.
async fn read_back(
    tx: Transaction<'static, Postgres>,
    resource: Resource,
    id: &str,
) -> Result<(Transaction<'static, Postgres>, Representation), CurationError> {
    let shared = Arc::new(Mutex::new(tx));
    let found = representation::of(&Reader::within(Arc::clone(&shared)), resource, id).await?;
    let tx = Arc::try_unwrap(shared)
        .map_err(|_| CurationError::Broken("a read kept the write's transaction"))?
        .into_inner();
    let record = found.ok_or(CurationError::Broken("the written record vanished"))?;
    Ok((tx, record))
}

/// What identifies a create for its `Idempotency-Key`: the collection and the body.
fn request_hash(resource: Resource, doc: &Map<String, Value>) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(format!("/v1/{resource}").as_bytes());
    h.update([0]);
    h.update(Value::Object(doc.clone()).to_string().as_bytes());
    h.finalize().to_vec()
}

/// Why `resource/id` is not there: deleted (its tombstone), or never was.
async fn missing(conn: &mut PgConnection, resource: Resource, id: &str) -> CurationError {
    match history::tombstone(conn, resource, id, None).await {
        Ok(Some(t)) => CurationError::Gone(Box::new(t)),
        Ok(None) => CurationError::NotFound {
            resource,
            id: id.to_owned(),
        },
        Err(e) => e.into(),
    }
}

/// Writes `record` (and, for a claim, the counterparts of its contradictions) and commits a
/// dataset version; `None` when nothing changed.
async fn write(
    conn: &mut PgConnection,
    record: Record,
    before: Option<Value>,
    author: &str,
) -> Result<Option<i64>, CurationError> {
    let mut changes = Vec::new();
    if let Record::Claim(claim) = &record {
        let was: Vec<ClaimId> = before
            .as_ref()
            .and_then(|b| serde_json::from_value::<Claim>(b.clone()).ok())
            .map(|c| c.contradicted_by)
            .unwrap_or_default();
        changes = checks::reconcile_contradictions(conn, claim, &was).await?;
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
