//! A record's revisions and the change feed's entries: what each dataset version did.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::{Resource, Tombstone};

string_enum! {
    /// What a revision did to its record.
    pub enum Operation {
        Create = "create",
        Update = "update",
        Delete = "delete",
    }
}

/// Declares a struct whose first fields are a change's facts: the dataset version that made
/// it, when, by whom, what it did and to which record; then `$fields`.
///
/// Declared in place rather than as a struct the others `#[serde(flatten)]`: a flattened field
/// makes the derived schema an `allOf`, and [`Revision`] is published as one object.
macro_rules! change {
    ($(#[$attr:meta])* pub struct $name:ident { $($fields:tt)* }) => {
        $(#[$attr])*
        pub struct $name {
            /// The dataset version that made this change.
            pub version: i64,
            /// When that version was committed.
            pub at: DateTime<Utc>,
            /// Who made it: the name of the key that wrote it, or `import` for a bulk load.
            pub author: String,
            pub operation: Operation,
            pub resource: Resource,
            /// The record's id.
            pub id: String,
            $($fields)*
        }
    };
}

change! {
    /// One change to one record: what it was before, what it became, who made it and when.
    #[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
    pub struct Revision {
        /// The stored document before the change; null for a create.
        #[schema(value_type = Option<Object>)]
        pub before: Option<Value>,
        /// The stored document after the change; null for a delete.
        #[schema(value_type = Option<Object>)]
        pub after: Option<Value>,
        /// Why, when the writer said (always for a delete).
        pub reason: Option<String>,
    }
}

change! {
    /// One entry of the change feed: a record as it became in some dataset version (published
    /// as `routes::v1::tagged::FeedChange`, typed by `resource`).
    #[derive(Debug, Clone, PartialEq, Serialize)]
    pub struct FeedChange {
        /// The stored document after the change (upsert it); null for a delete (remove the
        /// record). Incidents come without their derived `claims` list, claims and force
        /// figures without the generated `attribution`.
        pub record: Option<Value>,
        /// For a delete: when, by whom and why; null otherwise.
        pub tombstone: Option<Tombstone>,
    }
}
