//! The published shapes of items whose content depends on a tag: export lines (by `type`)
//! and change-feed entries (by `resource`). Each is a `oneOf` with a discriminator and its
//! mapping, so generated clients decode a line or a change into the record type it holds.
//!
//! These types describe what the exporter and the feed write (as JSON from the store); they
//! are never built. The API tests decode every served line and change against them.

#![allow(dead_code)]

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::openapi::schema::{Discriminator, OneOfBuilder, Schema};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{PartialSchema, ToSchema};

use crate::domain::{
    Actor, Claim, DatasetMeta, ForceFigure, Incident, Operation, Source, Tombstone,
};

/// Declares variants, each a struct whose tag property holds a single value, and that value's
/// one-variant enum (inlined, so it names no component of its own).
///
/// The tag is `required` in each variant, as the discriminator needs (Redocly and
/// openapi-generator's Java and Go warn otherwise, and a value without it would match several
/// variants). openapi-generator's Rust client cannot decode the union for it (serde takes the
/// tag off before it decodes the variant, which then misses it): see `clients/rust/run.sh`.
macro_rules! tagged_variant {
    ($($(#[$doc:meta])* $name:ident, $tag_type:ident, $tag:tt = $value:tt { $($fields:tt)* });+ $(;)?) => {$(
        $(#[$doc])*
        #[derive(Serialize, ToSchema)]
        pub struct $name {
            #[serde(rename = $tag)]
            #[schema(inline)]
            pub tag: $tag_type,
            $($fields)*
        }

        #[derive(Serialize, ToSchema)]
        pub enum $tag_type {
            #[serde(rename = $value)]
            Value,
        }

        impl $name {
            /// The tag's value, which the union's discriminator maps to this variant.
            const TAG: &'static str = $value;
        }
    )+};
}

/// Declares a union of variants told apart by the tag property `$tag` (each variant named as
/// its type): a `oneOf` of the variants, and its discriminator, whose mapping takes each variant's tag value to its schema
/// (by hand, as the derive leaves the mapping out).
macro_rules! tagged_union {
    ($(#[doc = $doc:literal])* $name:ident by $tag:literal: [$($ty:ident),+]) => {
        $(#[doc = $doc])*
        #[derive(Serialize)]
        #[serde(untagged)]
        pub enum $name {
            $($ty($ty)),+
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                let mapping = [$(($ty::TAG, format!("#/components/schemas/{}", $ty::name()))),+];
                OneOfBuilder::new()
                    $(.item(Ref::from_schema_name($ty::name())))+
                    .description(Some(description(&[$($doc),*])))
                    .discriminator(Some(Discriminator::with_mapping($tag, mapping)))
                    .into()
            }
        }

        impl ToSchema for $name {
            fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
                $(
                    schemas.push(($ty::name().into(), $ty::schema()));
                    $ty::schemas(schemas);
                )+
            }
        }
    };
}

/// A description from doc comment lines, as the derive makes it: trailing white space and the
/// least indentation taken off, the lines joined.
fn description(lines: &[&str]) -> String {
    let indent = lines
        .iter()
        .filter(|l| !l.trim_end().is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .min()
        .unwrap_or(0);
    let lines: Vec<&str> = lines
        .iter()
        .map(|l| l.trim_end())
        .map(|l| if l.is_empty() { l } else { &l[indent..] })
        .collect();
    lines.join("\n")
}

tagged_variant! {
    /// The export's first line: what the dataset is and how to cite it.
    DatasetLine, DatasetLineType, "type" = "dataset" { pub data: DatasetMeta };
    /// A source, as `/v1/sources/{id}` serves it.
    SourceLine, SourceLineType, "type" = "source" { pub data: Source };
    /// An actor, as `/v1/actors/{id}` serves it.
    ActorLine, ActorLineType, "type" = "actor" { pub data: Actor };
    /// An incident, as `/v1/incidents/{id}` serves it.
    IncidentLine, IncidentLineType, "type" = "incident" { pub data: Incident };
    /// A claim, as `/v1/claims/{id}` serves it without the generated `attribution`.
    ClaimLine, ClaimLineType, "type" = "claim" { pub data: Claim };
    /// A force figure, as `/v1/force-figures/{id}` serves it without the generated
    /// `attribution`.
    ForceFigureLine, ForceFigureLineType, "type" = "force_figure" { pub data: ForceFigure };
    /// The last line: the export is complete.
    EndLine, EndLineType, "type" = "end" {
        /// The number of lines before it (the dataset line plus one line per record). A
        /// body without the end line was cut short.
        #[schema(minimum = 1)]
        pub count: u64
    }
}

tagged_union!(
    /// One line of the NDJSON export, told apart by `type`: the dataset line first, then one
    /// line per record (sources, actors, incidents, claims, force figures), then the end line.
    ExportLine by "type": [DatasetLine, SourceLine, ActorLine, IncidentLine, ClaimLine, ForceFigureLine, EndLine]
);

/// Declares the change-feed variant of each resource: the change's facts, and the record as
/// the change left it.
macro_rules! feed_change {
    ($($(#[$doc:meta])* $name:ident, $tag_type:ident, $value:tt, $record:ty);+ $(;)?) => {$(
        tagged_variant!(
            $(#[$doc])*
            $name, $tag_type, "resource" = $value {
                /// The dataset version that made this change.
                pub version: i64,
                /// When that version was committed.
                pub at: DateTime<Utc>,
                /// Who made it: the name of the key that wrote it, or `import` for a bulk load.
                pub author: String,
                pub operation: Operation,
                /// The record's id.
                pub id: String,
                /// The stored record after the change (upsert it); null for a delete (remove
                /// it).
                pub record: Option<$record>,
                /// For a delete: when, by whom and why; null otherwise.
                pub tombstone: Option<Tombstone>,
            }
        );
    )+};
}

feed_change! {
    /// A change to a source.
    SourceChange, SourceChangeResource, "sources", Source;
    /// A change to an actor.
    ActorChange, ActorChangeResource, "actors", Actor;
    /// A change to an incident; the record comes without its derived `claims` list.
    IncidentChange, IncidentChangeResource, "incidents", Incident;
    /// A change to a claim; the record comes without the generated `attribution`.
    ClaimChange, ClaimChangeResource, "claims", Claim;
    /// A change to a force figure; the record comes without the generated `attribution`.
    ForceFigureChange, ForceFigureChangeResource, "force-figures", ForceFigure;
}

tagged_union!(
    /// One entry of the change feed, told apart by `resource`: a record as it became in some
    /// dataset version.
    FeedChange by "resource": [SourceChange, ActorChange, IncidentChange, ClaimChange, ForceFigureChange]
);
