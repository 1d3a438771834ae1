//! `/v1/sources`: the publications records cite.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use serde_json::Value;
use utoipa::IntoParams;

use super::as_of::{AsOfParams, Db};
use super::format::{Format, JSON_CSV};
use super::listing::{self, Collection, Docs, Filters, ListParams, keyset_after};
use super::pagination::page_type;
use crate::domain::SourceSort;
use crate::domain::{Resource, Source, SourceId, SourceKind};
use crate::error::ApiError;
use crate::extract::Params;
use crate::store;
use crate::store::Reader;
use crate::store::keyset::Position;
use crate::store::keyset::Sorted;

page_type!(
    /// A page of sources.
    SourcePage,
    Source
);

/// The sources collection.
pub struct Sources;

impl Collection for Sources {
    type Item = Source;
    type Filter = Option<SourceKind>;
    type Sort = SourceSort;
    type After = Position;
    type Page = SourcePage;
    const NAME: &'static str = "sources";
    const FORMATS: &'static [Format] = JSON_CSV;
    const DEFAULT_SORT: SourceSort = SourceSort::Id;

    fn sort_name(sort: SourceSort) -> &'static str {
        sort.as_str()
    }
    fn sort_schema() -> Option<std::borrow::Cow<'static, str>> {
        Some(<SourceSort as utoipa::ToSchema>::name())
    }
    fn after(sort: SourceSort, cursor: Option<&str>) -> Result<Option<Position>, ApiError> {
        keyset_after::<Self>(sort, &sort.order(), cursor)
    }
    async fn read(
        reader: &Reader,
        kind: &Option<SourceKind>,
        sort: SourceSort,
        after: Option<&Position>,
        limit: i64,
    ) -> Result<Vec<Source>, ApiError> {
        Ok(store::sources::list_sources(reader, *kind, sort, after, limit).await?)
    }
    fn key(_: SourceSort, s: &Source) -> (Vec<Value>, String) {
        (Vec::new(), s.id.to_string())
    }
    async fn count(reader: &Reader, kind: &Option<SourceKind>) -> Result<Option<i64>, ApiError> {
        Ok(Some(store::sources::count_sources(reader, *kind).await?))
    }
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
    const DOCS: Docs = Docs {
        count: "`true` adds `meta.total`, the number of matching sources.",
        ..Docs::sorted("Sort order (default `id`); `-` for descending.")
    };
    fn filter(&self) -> Result<Option<SourceKind>, ApiError> {
        Ok(self.kind)
    }
}

/// List sources
///
/// Every publication the dataset cites, in id order.
#[utoipa::path(
    tag = "sources",
    params(ListParams<ListSourcesParams>),
    responses(
        (status = 200, description = "A page of sources",
            content((SourcePage = "application/json"), (String = "text/csv")),
            headers(("Link" = String, description = "RFC 8288 link to the next page, when there is one"))),
        super::responses::ListErrors,
    )
)]
#[get("/sources")]
pub async fn list_sources(
    req: HttpRequest,
    db: Db,
    params: ListParams<ListSourcesParams>,
) -> Result<HttpResponse, ApiError> {
    let pool = db.at(params.as_of()).await?;
    let filter = params.filters.filter()?;
    listing::respond(&req, &pool, filter, params).await
}

/// Get a source
///
/// One publication: title, kind, publisher and date when known, where to read it, the source
/// it was cited in when Durand did not read it first-hand, and a note on how it was used.
#[utoipa::path(
    tag = "sources",
    params(("id" = String, Path, description = "Source id", example = "iiss-2025"), AsOfParams),
    responses(
        (status = 200, description = "The source", body = Source),
        super::responses::RecordErrors,
    )
)]
#[get("/sources/{id}")]
pub async fn get_source(
    db: Db,
    id: web::Path<String>,
    Params(params): Params<AsOfParams>,
    _: super::format::JsonOnly,
) -> Result<web::Json<Source>, ApiError> {
    let pool = db.at(params.as_of).await?;
    let not_found = || ApiError::NotFound(format!("No source has the id `{id}`."));
    let source_id = SourceId::parse(id.as_str()).map_err(|_| not_found())?;
    match store::sources::get_source(&pool, &source_id).await? {
        Some(source) => Ok(web::Json(source)),
        None => Err(pool.missing(Resource::Sources, &id, not_found()).await),
    }
}
