//! `/v1/sources`: the publications records cite.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::IntoParams;

use super::pagination::{Cursor, Page, page_type};
use super::params::Limit;
use crate::domain::{Source, SourceId, SourceKind};
use crate::error::{ApiError, BadRequest, InternalError, NotFound, Unavailable};
use crate::extract::Params;
use crate::store;

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
    /// Page size, 1 to 500.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500, default = 50)]
    limit: Option<Limit>,
    /// Opaque cursor from `meta.next_cursor` of the previous page.
    cursor: Option<String>,
}

/// List sources
///
/// Every publication the dataset cites, in id order.
#[utoipa::path(
    tag = "sources",
    params(ListSourcesParams),
    responses(
        (status = 200, description = "A page of sources", body = SourcePage,
            headers(("Link" = String, description = "RFC 8288 link to the next page, when there is one"))),
        (status = 400, response = BadRequest),
        (status = 500, response = InternalError),
        (status = 503, response = Unavailable),
    )
)]
#[get("/sources")]
pub async fn list_sources(
    req: HttpRequest,
    pool: web::Data<PgPool>,
    Params(params): Params<ListSourcesParams>,
) -> Result<HttpResponse, ApiError> {
    let limit = Limit::or_default(params.limit);
    let after = Cursor::decode("sources", "id", params.cursor.as_deref())?
        .map(|c| store::After { key: (), id: c.id });
    let rows =
        store::sources::list_sources(&pool, params.kind, after.as_ref(), i64::from(limit) + 1)
            .await?;
    Ok(Page::new(
        &req,
        rows,
        limit,
        |r: &Source| (Vec::new(), r.id.to_string()),
        "sources",
        "id",
    )
    .respond_json::<SourcePage>())
}

/// Get a source
#[utoipa::path(
    tag = "sources",
    params(("id" = String, Path, description = "Source id", example = "iiss-2025")),
    responses(
        (status = 200, description = "The source", body = Source),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError),
        (status = 503, response = Unavailable),
    )
)]
#[get("/sources/{id}")]
pub async fn get_source(
    pool: web::Data<PgPool>,
    id: web::Path<String>,
) -> Result<web::Json<Source>, ApiError> {
    let not_found = || ApiError::NotFound(format!("No source has the id `{id}`."));
    let source_id = SourceId::parse(id.as_str()).map_err(|_| not_found())?;
    store::sources::get_source(&pool, &source_id)
        .await?
        .map(web::Json)
        .ok_or_else(not_found)
}
