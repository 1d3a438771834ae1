//! `GET /v1/search`: full-text search across actors, claims, incidents and sources.

use actix_web::get;
use serde::{Deserialize, Serialize};

use utoipa::{IntoParams, ToSchema};

use super::csv::CsvRecord;
use super::download::Downloadable;
use super::listing::Filters;
use super::listing::{list_endpoint, one_order_collection};
use super::params::SearchText;
use crate::domain::SearchHitType;
use crate::domain::claim::claim_title;
use crate::error::ApiError;
use crate::store;
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

one_order_collection! {
    /// Search hits, best first: by rank, then type, then id.
    Search { SearchHit, SearchPage: "A page of search hits, best first.", "search", (String, Option<SearchHitType>), order: "rank" }
    after: |c| SearchAfter {
        rank: c.key_as::<f32>(Self::NAME, 0)?,
        hit_type: c.key_as::<SearchHitType>(Self::NAME, 1)?,
        id: c.id,
    };
    read: |reader, filter, after, limit| store::search::search(reader, &filter.0, filter.1, after, limit);
    key: |h| [h.rank, h.hit_type];
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
