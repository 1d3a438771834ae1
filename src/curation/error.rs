//! Why a write was refused, in the curation layer's own terms; the HTTP layer maps each case to
//! its status and problem document (`impl From<CurationError> for ApiError`).

use crate::domain::Resource;
use crate::domain::Tombstone;
use crate::domain::problem::Problem;

/// A refused or failed write. Nothing was written: every case rolls the transaction back.
#[derive(Debug, thiserror::Error)]
pub enum CurationError {
    /// The body is not a valid record, or names records that do not exist: every problem.
    #[error("invalid record")]
    Invalid(Vec<Problem>),
    /// No record `resource/id` exists, and none was deleted.
    #[error("no such record")]
    NotFound { resource: Resource, id: String },
    /// The record was deleted.
    #[error("deleted")]
    Gone(Box<Tombstone>),
    /// A create names an id a current record has.
    #[error("id taken")]
    IdTaken { resource: Resource, id: String },
    /// A create names the id of a deleted record: ids are never reused.
    #[error("id retired")]
    IdRetired {
        resource: Resource,
        id: String,
        deleted_in: i64,
    },
    /// A delete of a record that others still name.
    #[error("still referred to")]
    StillReferenced {
        resource: Resource,
        id: String,
        referrers: Vec<String>,
    },
    /// `If-Match` names none of the record's current ETag.
    #[error("stale")]
    Stale { current: String },
    /// An `Idempotency-Key` reused for a different request.
    #[error("idempotency key reused")]
    IdempotencyKeyReused,
    /// Another write held the dataset longer than the lock timeout.
    #[error("busy")]
    Busy,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] sqlx::Error),
    /// An invariant broke (a record vanished under the write lock).
    #[error("{0}")]
    Broken(&'static str),
}
