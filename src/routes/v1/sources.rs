//! `/v1/sources`: the publications records cite.

use actix_web::get;
use serde::Deserialize;
use utoipa::IntoParams;

use super::format::JSON_CSV;
use super::listing::keyset_collection;
use super::listing::list_endpoint;
use super::listing::{Docs, Filters};
use super::record::record_endpoint;
use crate::domain::SourceSort;
use crate::domain::{Source, SourceId, SourceKind};
use crate::error::ApiError;
use crate::store;
use crate::store::sources::SourceFilter;

keyset_collection! {
    /// The sources collection.
    Sources { Source, SourcePage: "A page of sources.", Sources, SourceFilter, SourceSort::Id }
    queries: store::sources::SOURCES;
    formats: JSON_CSV;
}

/// Filters of `GET /v1/sources`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListSourcesParams {
    /// Only sources of this kind.
    kind: Option<SourceKind>,
}

impl Filters for ListSourcesParams {
    type Of = Sources;
    const DOCS: Docs = Docs::count("`true` adds `meta.total`, the number of matching sources.");
    fn filter(&self) -> Result<SourceFilter, ApiError> {
        Ok(SourceFilter { kind: self.kind })
    }
}

list_endpoint! {
    /// List sources
    ///
    /// Every publication the dataset cites, in id order.
    list_sources: "/sources", "sources", ListSourcesParams, ok: "A page of sources",
    content: [(SourcePage = "application/json"), (String = "text/csv")]
}

record_endpoint! {
    /// Get a source
    ///
    /// One publication: title, kind, publisher and date when known, where to read it, the source
    /// it was cited in when Durand did not read it first-hand, and a note on how it was used.
    get_source: "/sources/{id}", "sources", Source, Sources(SourceId),
    id: ("Source id", "iiss-2025"), ok: "The source", read: store::sources::get_source
}
