//! `GET /v1/timeline`: incidents and dated claims in one chronological list.

use actix_web::{HttpRequest, HttpResponse, get};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::types::Json;
use utoipa::{IntoParams, ToSchema};

use super::as_of::Db;
use super::pagination::{Chunk, Cursor, Page, page_type};
use super::params::{DateBound, Limit, date_range};
use crate::domain::claim::claim_title;
use crate::domain::{ActorId, AsOf, PartialDate, TimelineEntryType};
use crate::error::{ApiError, BadRequest, InternalError, Unavailable};
use crate::extract::Params;
use crate::store;
use crate::store::Reader;
use crate::store::timeline::{TimelineAfter, TimelineFilter, TimelineRow};

/// One incident or claim on the timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineEntry {
    /// Whether this is an incident or a claim.
    #[serde(rename = "type")]
    pub entry_type: TimelineEntryType,
    /// The record's id, in its own collection.
    #[schema(example = "pakistan-strikes-on-taliban-2026-02-27")]
    pub id: String,
    /// When the incident happened, or when the claim was made, with its precision.
    pub date: PartialDate,
    /// The incident's title; for a claim, the claimant's name and its statement (shortened
    /// past 120 characters).
    #[schema(example = "Pakistani air strikes on Afghan Taliban positions")]
    pub title: String,
    /// The incident's kind (e.g. `air_strike`) or the claim's kind (e.g. `casualties`).
    #[schema(example = "air_strike")]
    pub kind: String,
    /// Actor ids: an incident's actors in any role; for a claim, the claimant, then the
    /// actors it is about. Each actor once.
    #[schema(value_type = Vec<String>, example = json!(["pakistan", "afghan-taliban"]))]
    pub actors: Vec<ActorId>,
    /// The record's path in this API.
    #[schema(example = "/v1/incidents/pakistan-strikes-on-taliban-2026-02-27")]
    pub url: String,
}

impl From<TimelineRow> for TimelineEntry {
    fn from(row: TimelineRow) -> Self {
        let title = match row.entry_type {
            TimelineEntryType::Incident => row.title,
            TimelineEntryType::Claim => claim_title(row.claimant_name.as_deref(), &row.title),
        };
        let Json(all_actors) = row.actors;
        let mut actors: Vec<ActorId> = Vec::with_capacity(all_actors.len());
        for actor in all_actors {
            if !actors.contains(&actor) {
                actors.push(actor);
            }
        }
        Self {
            url: format!("/v1/{}/{}", row.entry_type.collection(), row.id),
            entry_type: row.entry_type,
            id: row.id,
            date: row.date.0,
            title,
            kind: row.kind,
            actors,
        }
    }
}

page_type!(
    /// A page of the timeline.
    TimelinePage,
    TimelineEntry
);

/// Query parameters of `GET /v1/timeline`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TimelineParams {
    /// Entries dated on or after this date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`; a partial date
    /// means its first day). Matches on overlap, so an incident dated `2025-10` matches
    /// `from=2025-10-15`.
    #[param(example = "2026-02-01")]
    from: Option<DateBound>,
    /// Entries dated on or before this date (a partial date means its last day).
    #[param(example = "2026-02-28")]
    to: Option<DateBound>,
    /// Only incidents this actor took part in (in any role), and claims it made or that are
    /// about it.
    #[param(example = "ttp")]
    actor: Option<ActorId>,
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

impl TimelineParams {
    /// The store filter these parameters ask for.
    fn filter(&self) -> Result<TimelineFilter, ApiError> {
        let (from, to) = date_range(self.from.as_ref(), self.to.as_ref())?;
        Ok(TimelineFilter {
            actor: self.actor.clone(),
            from,
            to,
        })
    }
}

/// The timeline
///
/// Incidents and claims in one chronological list: by the first day each date may mean,
/// then its last day (so `2026-02-01` comes before `2026-02`), then type (`claim` before
/// `incident`), then id. An incident is dated by when it happened, a claim by when it was
/// made. Dates keep their precision.
#[utoipa::path(
    tag = "timeline",
    params(TimelineParams),
    responses(
        (status = 200, description = "A page of the timeline",
            content((TimelinePage = "application/json"), (String = "text/csv")),
            headers(("Link" = String, description = "RFC 8288 link to the next page, when there is one"))),
        (status = 400, response = BadRequest),
        (status = 406, response = crate::error::NotAcceptable),
        (status = 429, response = crate::error::TooManyRequests),
        (status = 500, response = InternalError),
        (status = 503, response = Unavailable),
    )
)]
#[get("/timeline")]
pub async fn list_timeline(
    req: HttpRequest,
    db: Db,
    Params(params): Params<TimelineParams>,
) -> Result<HttpResponse, ApiError> {
    let pool = db.at(params.as_of).await?;
    let filter = params.filter()?;
    let format = super::format::negotiate(&req, params.format, super::format::JSON_CSV)?;
    let fetch = move |reader: Reader, cursor: Option<String>, limit: u32| {
        let filter = filter.clone();
        async move {
            let after = Cursor::decode("timeline", "date", cursor.as_deref())?
                .map(|c| {
                    Ok::<_, ApiError>(TimelineAfter {
                        start: c.key_as::<NaiveDate>("timeline", 0)?,
                        end: c.key_as::<NaiveDate>("timeline", 1)?,
                        entry_type: c.key_as::<TimelineEntryType>("timeline", 2)?,
                        id: c.id,
                    })
                })
                .transpose()?;
            let rows = store::timeline::list_timeline(
                &reader,
                &filter,
                after.as_ref(),
                i64::from(limit) + 1,
            )
            .await?;
            let entries = rows.into_iter().map(TimelineEntry::from).collect();
            Ok(Chunk::new(
                entries,
                limit,
                |e: &TimelineEntry| {
                    (
                        vec![
                            serde_json::json!(e.date.start()),
                            serde_json::json!(e.date.end()),
                            serde_json::json!(e.entry_type),
                        ],
                        e.id.clone(),
                    )
                },
                "timeline",
                "date",
            ))
        }
    };
    if super::download::is_whole(format, params.limit) {
        return super::download::respond(&req, &pool, format, "timeline", params.cursor, fetch)
            .await;
    }
    let limit = Limit::or_default(params.limit);
    let chunk = fetch(Reader::clone(&pool), params.cursor, limit).await?;
    let page = Page::from_chunk(&req, chunk, limit);
    Ok(super::pagination::respond::<_, TimelinePage>(
        page, format, "timeline",
    ))
}
