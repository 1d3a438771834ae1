//! `GET /v1/timeline`: incidents and dated claims in one chronological list.

use actix_web::get;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use sqlx::types::Json;
use utoipa::{IntoParams, ToSchema};

use super::csv::{self, CsvRecord};
use super::download::Downloadable;
use super::listing::Filters;
use super::listing::{list_endpoint, one_order_collection};
use super::params::{DateBound, date_range};
use crate::domain::{ActorId, PartialDate, TimelineEntryType};
use crate::error::ApiError;
use crate::store;
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
        let title = row.heading();
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

/// A timeline entry as a CSV row.
#[derive(Debug, Default, Serialize)]
pub struct TimelineCsvRow {
    #[serde(rename = "type")]
    entry_type: String,
    id: String,
    date: String,
    date_precision: String,
    date_start: String,
    date_end: String,
    title: String,
    kind: String,
    actors: String,
    url: String,
}

impl CsvRecord for TimelineEntry {
    type Row = TimelineCsvRow;
    fn rows(&self) -> Vec<TimelineCsvRow> {
        let [date, date_precision, date_start, date_end] = csv::date(&self.date);
        vec![TimelineCsvRow {
            entry_type: self.entry_type.as_str().to_owned(),
            id: self.id.clone(),
            date,
            date_precision,
            date_start,
            date_end,
            title: self.title.clone(),
            kind: self.kind.clone(),
            actors: csv::join(&self.actors),
            url: self.url.clone(),
        }]
    }
}

impl Downloadable for TimelineEntry {}

one_order_collection! {
    /// Incidents and claims in one chronological list.
    Timeline { TimelineEntry, TimelinePage: "A page of the timeline.", "timeline", TimelineFilter, order: "date" }
    after: |c| TimelineAfter {
        start: c.key_as::<NaiveDate>(Self::NAME, 0)?,
        end: c.key_as::<NaiveDate>(Self::NAME, 1)?,
        entry_type: c.key_as::<TimelineEntryType>(Self::NAME, 2)?,
        id: c.id,
    };
    read: |reader, filter, after, limit| store::timeline::list_timeline(reader, filter, after, limit);
    key: |e| [e.date.start(), e.date.end(), e.entry_type];
}

/// Filters of `GET /v1/timeline`.
#[derive(Debug, Deserialize, IntoParams)]
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
}

impl Filters for TimelineParams {
    type Of = Timeline;
    fn filter(&self) -> Result<TimelineFilter, ApiError> {
        Ok(TimelineFilter {
            actor: self.actor.clone(),
            dates: date_range(self.from.as_ref(), self.to.as_ref())?,
        })
    }
}

list_endpoint! {
    /// The timeline
    ///
    /// Incidents and claims in one chronological list: by the first day each date may mean,
    /// then its last day (so `2026-02-01` comes before `2026-02`), then type (`claim` before
    /// `incident`), then id. An incident is dated by when it happened, a claim by when it was
    /// made. Dates keep their precision.
    list_timeline: "/timeline", "timeline", TimelineParams, ok: "A page of the timeline",
    content: [(TimelinePage = "application/json"), (String = "text/csv")]
}
