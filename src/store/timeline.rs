//! The timeline: incidents and dated claims in one chronological list.

use super::Reader;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::types::Json;
use utoipa::ToSchema;

use crate::domain::{ActorId, PartialDate};

/// What kind of record a timeline entry is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum TimelineEntryType {
    /// A claim, dated by when it was made: `/v1/claims/{id}`.
    Claim,
    /// An incident, dated by when it happened: `/v1/incidents/{id}`.
    Incident,
}

impl TimelineEntryType {
    /// The name used in JSON, in cursors and in the query.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Claim => "claim",
            Self::Incident => "incident",
        }
    }

    /// The collection the record is served from.
    pub fn collection(self) -> &'static str {
        match self {
            Self::Claim => "claims",
            Self::Incident => "incidents",
        }
    }
}

impl TryFrom<String> for TimelineEntryType {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        match s.as_str() {
            "claim" => Ok(Self::Claim),
            "incident" => Ok(Self::Incident),
            _ => Err(format!("`{s}` is not a timeline entry type")),
        }
    }
}

/// Filters on the timeline; `None` means "any".
#[derive(Debug, Clone, Default)]
pub struct TimelineFilter {
    /// Incidents the actor took part in, and claims it made or that are about it.
    pub actor: Option<ActorId>,
    /// Entries whose date may fall on or after this day.
    pub from: Option<NaiveDate>,
    /// Entries whose date may fall on or before this day.
    pub to: Option<NaiveDate>,
}

/// A keyset position on the timeline: the last entry served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineAfter {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub entry_type: TimelineEntryType,
    pub id: String,
}

/// One incident or claim, with what the timeline shows of it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TimelineRow {
    #[sqlx(rename = "type", try_from = "String")]
    pub entry_type: TimelineEntryType,
    pub id: String,
    /// The incident's date, or when the claim was made.
    pub date: Json<PartialDate>,
    /// The incident's title, or the claim's statement.
    pub title: String,
    /// For a claim, the claimant's name.
    pub claimant_name: Option<String>,
    /// The incident's or the claim's kind.
    pub kind: String,
    /// Incident: its actors in the document's order. Claim: the claimant, then `about`.
    /// May repeat an actor (one with two roles); the caller removes repeats.
    pub actors: Json<Vec<ActorId>>,
}

/// One page of the timeline after `after`: incidents and claims ordered by the first day
/// their date may mean, then the last day (so a day comes before the month it falls in),
/// then type (`claim` before `incident`), then id.
///
/// Date filters match on overlap, as in the incidents and claims collections.
#[tracing::instrument(skip(db))]
pub async fn list_timeline(
    db: &Reader,
    filter: &TimelineFilter,
    after: Option<&TimelineAfter>,
    limit: i64,
) -> Result<Vec<TimelineRow>, sqlx::Error> {
    sqlx::query_as::<_, TimelineRow>(
        r#"
        select e.type, e.id, e.date, e.title, e.claimant_name, e.kind, e.actors
        from (
            select 'incident'::text as type, i.id, i.date_start as start_day,
                   i.date_end as end_day, i.doc -> 'date' as date, i.doc ->> 'title' as title,
                   null::text as claimant_name, i.kind,
                   jsonb_path_query_array(i.doc, '$.actors[*].actor') as actors
            from incidents i
            where ($1::text is null or exists (
                    select 1 from incident_actors a where a.incident_id = i.id and a.actor_id = $1))
              and ($2::date is null or i.date_end >= $2)
              and ($3::date is null or i.date_start <= $3)
            union all
            select 'claim', c.id, c.made_start, c.made_end, c.doc -> 'made_at',
                   c.doc ->> 'statement', claimant.doc ->> 'name', c.kind,
                   jsonb_build_array(c.claimant_id) || coalesce(c.doc -> 'about', '[]'::jsonb)
            from claims c
            join actors claimant on claimant.id = c.claimant_id
            where ($1::text is null or c.claimant_id = $1 or exists (
                    select 1 from claim_about a where a.claim_id = c.id and a.actor_id = $1))
              and ($2::date is null or c.made_end >= $2)
              and ($3::date is null or c.made_start <= $3)
        ) e
        where $4::date is null
           or (e.start_day, e.end_day, e.type, e.id) > ($4, $5::date, $6::text, $7::text)
        order by e.start_day, e.end_day, e.type, e.id
        limit $8
        "#,
    )
    .bind(filter.actor.as_ref().map(ActorId::as_str))
    .bind(filter.from)
    .bind(filter.to)
    .bind(after.map(|a| a.start))
    .bind(after.map(|a| a.end))
    .bind(after.map(|a| a.entry_type.as_str()))
    .bind(after.map(|a| a.id.as_str()))
    .bind(limit)
    .fetch_all(&mut *db.conn().await?)
    .await
}
