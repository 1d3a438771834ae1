//! `GET /v1/search`: full-text search across actors, claims, incidents and sources.

use actix_web::{HttpRequest, HttpResponse, get};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::as_of::Db;

use super::pagination::{Chunk, Cursor, Page, page_type};
use super::params::{Limit, SearchText};
use crate::domain::claim::claim_title;
use crate::domain::{AsOf, SearchHitType};
use crate::error::{ApiError, BadRequest, InternalError, Unavailable};
use crate::extract::Params;
use crate::store;
use crate::store::Reader;
use crate::store::search::{SearchAfter, SearchHitRow};

/// One record that matches a search.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHit {
    /// What kind of record this is.
    #[serde(rename = "type")]
    pub hit_type: SearchHitType,
    /// The record's id, in its own collection.
    #[schema(example = "bajaur-assault-2026")]
    pub id: String,
    /// The record's name or title; for a claim, the claimant's name and its statement
    /// (shortened past 120 characters).
    #[schema(example = "Assault on security forces in Bajaur")]
    pub title: String,
    /// A passage of the record's main text (an actor's description, a claim's statement, an
    /// incident's summary, a source's note) around the matches, each match wrapped in
    /// `<mark>` and `</mark>`. The text itself is not HTML-escaped.
    #[schema(example = "<mark>Bajaur</mark> killed 11 security personnel and two civilians")]
    pub snippet: String,
    /// The record's path in this API.
    #[schema(example = "/v1/incidents/bajaur-assault-2026")]
    pub url: String,
    /// The rank, kept for the next cursor only.
    #[serde(skip)]
    rank: f32,
}

impl From<SearchHitRow> for SearchHit {
    fn from(row: SearchHitRow) -> Self {
        let title = match row.hit_type {
            SearchHitType::Claim => claim_title(row.claimant_name.as_deref(), &row.title),
            _ => row.title,
        };
        Self {
            url: format!("/v1/{}/{}", row.hit_type.collection(), row.id),
            hit_type: row.hit_type,
            id: row.id,
            title,
            snippet: row.snippet,
            rank: row.rank,
        }
    }
}

page_type!(
    /// A page of search hits, best first.
    SearchPage,
    SearchHit
);

/// Query parameters of `GET /v1/search`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// What to look for, 1 to 200 characters, in web-search syntax: words (all must match,
    /// in any form: `strike` finds "strikes"), `"quoted phrases"`, `or`, and `-word` to
    /// exclude. Names and titles weigh more than descriptions.
    #[param(example = "Bajaur")]
    q: SearchText,
    /// Only hits of this type.
    #[serde(rename = "type")]
    hit_type: Option<SearchHitType>,
    /// Response format; overrides `Accept`.
    #[param(value_type = Option<super::format::TabularFormat>)]
    format: Option<super::format::Format>,
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

/// Search
///
/// Full-text search (PostgreSQL, English stemming) across actors, claims, incidents and
/// sources. Hits come best first: by relevance, then type, then id. A search that matches
/// nothing is an empty page, not an error.
#[utoipa::path(
    tag = "search",
    params(SearchParams),
    responses(
        (status = 200, description = "A page of search hits, best first",
            content((SearchPage = "application/json"), (String = "text/csv")),
            headers(("Link" = String, description = "RFC 8288 link to the next page, when there is one"))),
        (status = 400, response = BadRequest),
        (status = 406, response = crate::error::NotAcceptable),
        (status = 429, response = crate::error::TooManyRequests),
        (status = 500, response = InternalError),
        (status = 503, response = Unavailable),
    )
)]
#[get("/search")]
pub async fn search(
    req: HttpRequest,
    db: Db,
    Params(params): Params<SearchParams>,
) -> Result<HttpResponse, ApiError> {
    let pool = db.at(params.as_of).await?;
    let format = super::format::negotiate(&req, params.format, super::format::JSON_CSV)?;
    let (q, hit_type) = (params.q.0.clone(), params.hit_type);
    let fetch = move |reader: Reader, cursor: Option<String>, limit: u32| {
        let q = q.clone();
        async move {
            let after = Cursor::decode("search", "rank", cursor.as_deref())?
                .map(|c| {
                    Ok::<_, ApiError>(SearchAfter {
                        rank: c.key_as::<f32>("search", 0)?,
                        hit_type: c.key_as::<SearchHitType>("search", 1)?,
                        id: c.id,
                    })
                })
                .transpose()?;
            let rows =
                store::search::search(&reader, &q, hit_type, after.as_ref(), i64::from(limit) + 1)
                    .await?;
            let hits = rows.into_iter().map(SearchHit::from).collect();
            Ok(Chunk::new(
                hits,
                limit,
                |h: &SearchHit| {
                    (
                        vec![serde_json::json!(h.rank), serde_json::json!(h.hit_type)],
                        h.id.clone(),
                    )
                },
                "search",
                "rank",
            ))
        }
    };
    if super::download::is_whole(format, params.limit) {
        return super::download::respond(&req, &pool, format, "search", params.cursor, fetch).await;
    }
    let limit = Limit::or_default(params.limit);
    let chunk = fetch(Reader::clone(&pool), params.cursor, limit).await?;
    let page = Page::from_chunk(&req, chunk, limit);
    Ok(super::pagination::respond::<_, SearchPage>(
        page, format, "search",
    ))
}
