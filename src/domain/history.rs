//! What a write did to a record, and what a delete leaves of one.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::Resource;

/// What is left of a deleted record: when, by whom and why. Its id is never reused.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Tombstone {
    pub resource: Resource,
    /// The deleted record's id.
    pub id: String,
    /// The dataset version that deleted it.
    pub version: i64,
    pub deleted_at: DateTime<Utc>,
    /// The name of the key that deleted it.
    pub deleted_by: String,
    /// Why it was deleted.
    pub reason: String,
}

/// What one write did to one record.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub resource: Resource,
    pub id: String,
    /// The stored document before (`None` for a create).
    pub before: Option<Value>,
    /// The stored document after (`None` for a delete).
    pub after: Option<Value>,
    /// Why, for a delete.
    pub reason: Option<String>,
}

impl Change {
    /// `create`, `update` or `delete`, from which documents exist.
    pub fn operation(&self) -> &'static str {
        match (&self.before, &self.after) {
            (None, _) => "create",
            (Some(_), Some(_)) => "update",
            (Some(_), None) => "delete",
        }
    }
}
