//! The dataset as `/v1/dataset` describes it: its metadata, version and record counts.

use serde::Serialize;
use utoipa::openapi::schema::{ObjectBuilder, RefBuilder, Schema, Type};
use utoipa::openapi::{KnownFormat, RefOr, SchemaFormat};
use utoipa::{PartialSchema, ToSchema};

use super::{Counts, DatasetMeta};

/// The dataset's version, licence, citation and record counts.
#[derive(Debug, Serialize)]
pub struct DatasetInfo {
    #[serde(flatten)]
    pub meta: DatasetMeta,
    /// The dataset version: bumped by every write, never reused (see `/v1/changes`).
    pub version: i64,
    /// When the data last changed (the time of `version`).
    pub changed_at: chrono::DateTime<chrono::Utc>,
    /// Records per resource.
    pub counts: Counts,
}

// By hand rather than derived: the derive documents the flattened `meta` as `allOf` with
// DatasetMeta, whose `additionalProperties: false` (it is strict when imported) then forbids
// `counts`, so no response could match. This is DatasetMeta's object plus `counts`.
impl utoipa::PartialSchema for DatasetInfo {
    fn schema() -> RefOr<Schema> {
        let RefOr::T(Schema::Object(mut info)) = DatasetMeta::schema() else {
            unreachable!("DatasetMeta is documented as an object")
        };
        info.description =
            Some("The dataset's version, licence, citation and record counts.".into());
        info.properties.insert(
            "counts".into(),
            RefBuilder::new()
                .ref_location_from_schema_name(Counts::name())
                .description(Some("Records per resource."))
                .into(),
        );
        let scalar = |kind, format, description| {
            ObjectBuilder::new()
                .schema_type(kind)
                .format(Some(SchemaFormat::KnownFormat(format)))
                .description(Some(description))
        };
        let version = scalar(
            Type::Integer,
            KnownFormat::Int64,
            "The dataset version: bumped by every write, never reused (see `/v1/changes`).",
        )
        .minimum(Some(0));
        info.properties.insert("version".into(), version.into());
        let changed_at = scalar(
            Type::String,
            KnownFormat::DateTime,
            "When the data last changed (the time of `version`).",
        );
        info.properties
            .insert("changed_at".into(), changed_at.into());
        info.required
            .extend(["version".into(), "changed_at".into(), "counts".into()]);
        RefOr::T(Schema::Object(info))
    }
}

impl ToSchema for DatasetInfo {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((Counts::name().into(), Counts::schema()));
    }
}
