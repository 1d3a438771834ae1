//! `GET /v1/search`: full-text search across actors, claims, incidents and sources.

use actix_web::get;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};

use super::csv::CsvRecord;
use super::download::Downloadable;
use super::format::{Format, JSON_CSV};
use super::listing::list_endpoint;
use super::listing::{Collection, Docs, Filters};
use super::pagination::{Cursor, page_type};
use super::params::SearchText;
use crate::domain::SearchHitType;
use crate::domain::claim::claim_title;
use crate::error::ApiError;
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

/// A search hit as a CSV row.
#[derive(Debug, Default, Serialize)]
pub struct SearchCsvRow {
    #[serde(rename = "type")]
    hit_type: String,
    id: String,
    title: String,
    snippet: String,
    url: String,
}

impl CsvRecord for SearchHit {
    type Row = SearchCsvRow;
    fn rows(&self) -> Vec<SearchCsvRow> {
        vec![SearchCsvRow {
            hit_type: self.hit_type.as_str().to_owned(),
            id: self.id.clone(),
            title: self.title.clone(),
            snippet: self.snippet.clone(),
            url: self.url.clone(),
        }]
    }
}

impl Downloadable for SearchHit {}

page_type!(
    /// A page of search hits, best first.
    SearchPage,
    SearchHit
);

/// Search hits, best first: by rank, then type, then id.
pub struct Search;

impl Collection for Search {
    type Item = SearchHit;
    type Filter = (String, Option<SearchHitType>);
    type Sort = ();
    type After = SearchAfter;
    type Page = SearchPage;
    const NAME: &'static str = "search";
    const FORMATS: &'static [Format] = JSON_CSV;
    const DEFAULT_SORT: () = ();

    fn sort_name((): ()) -> &'static str {
        "rank"
    }
    fn after((): (), cursor: Option<&str>) -> Result<Option<SearchAfter>, ApiError> {
        let Some(c) = Cursor::decode(Self::NAME, "rank", cursor)? else {
            return Ok(None);
        };
        Ok(Some(SearchAfter {
            rank: c.key_as::<f32>(Self::NAME, 0)?,
            hit_type: c.key_as::<SearchHitType>(Self::NAME, 1)?,
            id: c.id,
        }))
    }
    async fn read(
        reader: &Reader,
        (q, hit_type): &(String, Option<SearchHitType>),
        (): (),
        after: Option<&SearchAfter>,
        limit: i64,
    ) -> Result<Vec<SearchHit>, ApiError> {
        let rows = store::search::search(reader, q, *hit_type, after, limit).await?;
        Ok(rows.into_iter().map(SearchHit::from).collect())
    }
    fn key((): (), h: &SearchHit) -> (Vec<Value>, String) {
        (vec![json!(h.rank), json!(h.hit_type)], h.id.clone())
    }
}

/// Filters of `GET /v1/search`.
#[derive(Debug, Deserialize, IntoParams)]
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
}

impl Filters for SearchParams {
    type Of = Search;
    const DOCS: Docs = Docs::UNSORTED;
    fn filter(&self) -> Result<(String, Option<SearchHitType>), ApiError> {
        Ok((self.q.0.clone(), self.hit_type))
    }
}

list_endpoint! {
    /// Search
    ///
    /// Full-text search (PostgreSQL, English stemming) across actors, claims, incidents and
    /// sources. Hits come best first: by relevance, then type, then id. A search that matches
    /// nothing is an empty page, not an error.
    search: "/search", "search", SearchParams, ok: "A page of search hits, best first",
    content: [(SearchPage = "application/json"), (String = "text/csv")]
}
