//! `/v1/sources`: the publications records cite.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::as_of::{AsOfParams, Db};
use super::download;
use super::format::{Format, JSON_CSV, negotiate};
use super::pagination::{self, Chunk, Page, page_type};
use super::params::Limit;
use crate::domain::{AsOf, Resource, Source, SourceId, SourceKind};
use crate::error::{
    ApiError, BadRequest, Gone, InternalError, NotAcceptable, NotFound, TooManyRequests,
    Unavailable,
};
use crate::extract::Params;
use crate::store;
use crate::store::Reader;
use crate::store::sources::SourceSort;

page_type!(
    /// A page of sources.
    SourcePage,
    Source
);

/// Query parameters of `GET /v1/sources`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListSourcesParams {
    /// Only sources of this kind.
    kind: Option<SourceKind>,
    /// Sort order (default `id`); `-` for descending.
    sort: Option<SourceSort>,
    /// `true` adds `meta.total`, the number of matching sources.
    count: Option<bool>,
    /// Response format; overrides `Accept`.
    #[param(value_type = Option<super::format::TabularFormat>)]
    format: Option<Format>,
    /// Page size, 1 to 500; 50 when not given. CSV and GeoJSON without `limit` are not
    /// paged: every matching record, in one streamed body (a URL pasted into a spreadsheet
    /// gets the whole collection).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    limit: Option<Limit>,
    /// Opaque cursor from `meta.next_cursor` of the previous page (base64url). Only a cursor
    /// this API issued for the same collection and `sort` is accepted; any other is a 400.
    #[param(pattern = "^[A-Za-z0-9_-]+$")]
    cursor: Option<String>,
    /// Time travel: the data as it was at this dataset version (`42`) or time (RFC 3339,
    /// e.g. `2026-03-01T12:00:00Z`); the same request always returns the same bytes.
    #[param(inline)]
    as_of: Option<AsOf>,
}

/// List sources
///
/// Every publication the dataset cites, in id order.
#[utoipa::path(
    tag = "sources",
    params(ListSourcesParams),
    responses(
        (status = 200, description = "A page of sources",
            content((SourcePage = "application/json"), (String = "text/csv")),
            headers(("Link" = String, description = "RFC 8288 link to the next page, when there is one"))),
        (status = 400, response = BadRequest),
        (status = 406, response = NotAcceptable),
        (status = 429, response = TooManyRequests),
        (status = 500, response = InternalError),
        (status = 503, response = Unavailable),
    )
)]
#[get("/sources")]
pub async fn list_sources(
    req: HttpRequest,
    db: Db,
    Params(params): Params<ListSourcesParams>,
) -> Result<HttpResponse, ApiError> {
    let pool = db.at(params.as_of).await?;
    let format = negotiate(&req, params.format, JSON_CSV)?;
    let sort = params.sort.unwrap_or(SourceSort::Id);
    let kind = params.kind;
    let fetch = move |reader: Reader, cursor: Option<String>, limit: u32| async move {
        let after =
            pagination::position("sources", sort.as_str(), &sort.order(), cursor.as_deref())?;
        let rows =
            store::sources::list_sources(&reader, kind, sort, after.as_ref(), i64::from(limit) + 1)
                .await?;
        Ok(Chunk::new(
            rows,
            limit,
            |s: &Source| (Vec::new(), s.id.to_string()),
            "sources",
            sort.as_str(),
        ))
    };
    if download::is_whole(format, params.limit) {
        return download::respond(&req, &pool, format, "sources", params.cursor, fetch).await;
    }
    let limit = Limit::or_default(params.limit);
    let chunk = fetch(Reader::clone(&pool), params.cursor, limit).await?;
    let total = match params.count {
        Some(true) => Some(store::sources::count_sources(&pool, params.kind).await?),
        _ => None,
    };
    let page = Page::from_chunk(&req, chunk, limit).with_total(total);
    Ok(pagination::respond::<_, SourcePage>(
        page, format, "sources",
    ))
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
        (status = 400, response = BadRequest),
        (status = 406, response = crate::error::NotAcceptable),
        (status = 404, response = NotFound),
        (status = 410, response = Gone),
        (status = 429, response = TooManyRequests),
        (status = 500, response = InternalError),
        (status = 503, response = Unavailable),
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
