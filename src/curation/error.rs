//! Why a write was refused, in the curation layer's own terms, and the status and problem
//! document each case is answered with (`impl From<CurationError> for ApiError`).

use crate::domain::Resource;
use crate::domain::Tombstone;
use crate::domain::problem::Problem;
use crate::error::{ApiError, ParameterError};

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

impl From<CurationError> for ApiError {
    fn from(e: CurationError) -> Self {
        let at = |problems: Vec<Problem>| {
            problems
                .into_iter()
                .map(|p| ParameterError::at(p.pointer, p.message))
                .collect()
        };
        match e {
            CurationError::Invalid(problems) => Self::InvalidBody(at(problems)),
            CurationError::NotFound { resource, id } => {
                Self::Absent(format!("No record of `{resource}` has the id `{id}`."))
            }
            CurationError::Gone(tombstone) => Self::Gone(tombstone),
            CurationError::IdTaken { resource, id } => Self::Conflict(
                format!(
                    "A record of `{resource}` already has the id `{id}`; PATCH it, or propose another id."
                ),
                vec![ParameterError::at("/id", "is taken")],
            ),
            CurationError::IdRetired {
                resource,
                id,
                deleted_in,
            } => Self::Conflict(
                format!(
                    "`{resource}/{id}` was deleted in dataset version {deleted_in}; deleted ids are never reused."
                ),
                vec![ParameterError::at(
                    "/id",
                    "was deleted and cannot be reused",
                )],
            ),
            CurationError::StillReferenced {
                resource,
                id,
                referrers,
            } => Self::Conflict(
                format!(
                    "`{resource}/{id}` is still referred to by {} record(s); change or delete them first.",
                    referrers.len()
                ),
                referrers
                    .into_iter()
                    .map(|r| ParameterError::at("", format!("`{r}` refers to this record")))
                    .collect(),
            ),
            CurationError::Stale { current } => Self::PreconditionFailed { current },
            CurationError::IdempotencyKeyReused => {
                Self::InvalidParameters(vec![ParameterError::new(
                    "Idempotency-Key",
                    "was already used for a different request; use a new key for a new create",
                )])
            }
            CurationError::Store(e) => e.into(),
            CurationError::Busy => Self::Busy("Another write held the dataset for too long".into()),
            CurationError::Broken(what) => Self::Internal(anyhow::anyhow!(what)),
        }
    }
}
