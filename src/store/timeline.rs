//! The timeline: incidents and dated claims in one chronological list.

use super::Reader;
use super::keyset::{DateRange, push_overlaps};
use chrono::NaiveDate;
use sqlx::types::Json;
use sqlx::{Postgres, QueryBuilder};

use crate::domain::claim::claim_title;
use crate::domain::partial_date::{EARLIEST, LATEST};
use crate::domain::{ActorId, PartialDate, TimelineEntryType};

/// Filters on the timeline; `None` means "any".
#[derive(Debug, Clone, Default)]
pub struct TimelineFilter {
    /// Incidents the actor took part in, and claims it made or that are about it.
    pub actor: Option<ActorId>,
    /// Entries whose date may fall in this range.
    pub dates: DateRange,
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
    /// Whether Durand estimated a bound of the date (its basis is `estimated`).
    pub estimated: bool,
}

impl TimelineRow {
    /// What the timeline calls the entry: the incident's title; for a claim, the claimant's
    /// name and its statement (shortened past 120 characters).
    pub fn heading(&self) -> String {
        match self.entry_type {
            TimelineEntryType::Incident => self.title.clone(),
            TimelineEntryType::Claim => claim_title(self.claimant_name.as_deref(), &self.title),
        }
    }
}

/// Which entries a read takes, in which order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Walk {
    /// Timeline order: by the first day, then the last, then type, then id.
    Forward,
    /// The reverse: the newest first.
    Backward,
    /// Timeline order, from the first entry whose start is known.
    FirstDated,
    /// The entry whose end is known and latest first: by the last day, then the first, then
    /// type and id, all descending.
    LastDated,
}

impl Walk {
    /// The order of one branch's columns, and of the merged rows.
    fn orders(self, (start, end): (&str, &str)) -> (String, &'static str) {
        match self {
            Self::Forward | Self::FirstDated => (
                format!("{start}, {end}, r.id"),
                "e.start_day, e.end_day, e.type, e.id",
            ),
            Self::Backward => (
                format!("{start} desc, {end} desc, r.id desc"),
                "e.start_day desc, e.end_day desc, e.type desc, e.id desc",
            ),
            Self::LastDated => (
                format!("{end} desc, {start} desc, r.id desc"),
                "e.end_day desc, e.start_day desc, e.type desc, e.id desc",
            ),
        }
    }
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
    read(db, filter, Walk::Forward, after, limit).await
}

/// The newest `limit` entries of the timeline, newest first: its order reversed (the last
/// page of `list_timeline`, read backwards).
#[tracing::instrument(skip(db))]
pub async fn newest_timeline(
    db: &Reader,
    filter: &TimelineFilter,
    limit: i64,
) -> Result<Vec<TimelineRow>, sqlx::Error> {
    read(db, filter, Walk::Backward, None, limit).await
}

/// The timeline's earliest and latest dated entries: the first in timeline order whose start
/// is known, and the one whose known end is latest (ties: the later start, then type and id,
/// last). Open sides count for nothing, as in [`coverage`].
#[tracing::instrument(skip(db))]
pub async fn timeline_ends(
    db: &Reader,
    filter: &TimelineFilter,
) -> Result<(Option<TimelineRow>, Option<TimelineRow>), sqlx::Error> {
    let first = read(db, filter, Walk::FirstDated, None, 1).await?;
    let last = read(db, filter, Walk::LastDated, None, 1).await?;
    Ok((first.into_iter().next(), last.into_iter().next()))
}

/// How many entries the timeline holds under `filter`, counted no further than `cap + 1`:
/// a page can say "more than `cap`" without counting a million rows on every view.
#[tracing::instrument(skip(db))]
pub async fn count_timeline(
    db: &Reader,
    filter: &TimelineFilter,
    cap: i64,
) -> Result<i64, sqlx::Error> {
    let mut qb = QueryBuilder::new("select count(*) from (");
    for (i, entry) in [TimelineEntryType::Claim, TimelineEntryType::Incident]
        .into_iter()
        .enumerate()
    {
        if i > 0 {
            qb.push(" union all ");
        }
        let table = match entry {
            TimelineEntryType::Incident => "incidents",
            TimelineEntryType::Claim => "claims",
        };
        qb.push(format_args!("(select 1 from {table} r where true"));
        push_filter(&mut qb, entry, filter);
        qb.push(" limit ").push_bind(cap + 1).push(")");
    }
    qb.push(") e");
    let (count,): (i64,) = qb
        .build_query_as()
        .fetch_one(&mut *db.conn().await?)
        .await?;
    Ok(count)
}

/// Entries of both types taken as `walk` says, after `after` (forward only), at most `limit`.
async fn read(
    db: &Reader,
    filter: &TimelineFilter,
    walk: Walk,
    after: Option<&TimelineAfter>,
    limit: i64,
) -> Result<Vec<TimelineRow>, sqlx::Error> {
    let mut qb = QueryBuilder::new("select * from (");
    // Each branch takes its first `limit` entries in the walk's order straight off its
    // (start, end, id) index, so a page costs the same at any size; the outer sort merges
    // at most twice `limit` rows. A branch's type is a constant, so its position in the
    // order (`claim` < `incident`) decides ties on the dates.
    push_branch(
        &mut qb,
        TimelineEntryType::Claim,
        filter,
        walk,
        after,
        limit,
    );
    qb.push(" union all ");
    push_branch(
        &mut qb,
        TimelineEntryType::Incident,
        filter,
        walk,
        after,
        limit,
    );
    let (_, merged) = walk.orders(("", ""));
    qb.push(format_args!(") e order by {merged} limit "));
    qb.push_bind(limit);
    qb.build_query_as::<TimelineRow>()
        .fetch_all(&mut *db.conn().await?)
        .await
}

/// The first and last day columns of a type's table (as `r`).
fn day_columns(entry: TimelineEntryType) -> (&'static str, &'static str) {
    match entry {
        TimelineEntryType::Incident => ("r.date_start", "r.date_end"),
        TimelineEntryType::Claim => ("r.made_start", "r.made_end"),
    }
}

/// The conditions of `filter` on one type's rows (`r`).
fn push_filter<'a>(
    qb: &mut QueryBuilder<'a, Postgres>,
    entry: TimelineEntryType,
    filter: &'a TimelineFilter,
) {
    match entry {
        TimelineEntryType::Incident => {
            if let Some(actor) = &filter.actor {
                qb.push(
                    " and exists (select 1 from incident_actors a where a.incident_id = r.id and a.actor_id = ",
                );
                qb.push_bind(actor.as_str());
                qb.push(")");
            }
        }
        TimelineEntryType::Claim => {
            if let Some(actor) = &filter.actor {
                qb.push(" and (r.claimant_id = ");
                qb.push_bind(actor.as_str());
                qb.push(" or exists (select 1 from claim_about a where a.claim_id = r.id and a.actor_id = ");
                qb.push_bind(actor.as_str());
                qb.push("))");
            }
        }
    }
    push_overlaps(qb, day_columns(entry), filter.dates);
}

/// One type's entries taken as `walk` says, after `after`, at most `limit`.
fn push_branch<'a>(
    qb: &mut QueryBuilder<'a, Postgres>,
    entry: TimelineEntryType,
    filter: &'a TimelineFilter,
    walk: Walk,
    after: Option<&'a TimelineAfter>,
    limit: i64,
) {
    qb.push(match entry {
        TimelineEntryType::Incident => {
            "(select 'incident'::text as type, r.id, r.date_start as start_day, \
             r.date_end as end_day, r.doc -> 'date' as date, r.doc ->> 'title' as title, \
             null::text as claimant_name, r.kind, \
             jsonb_path_query_array(r.doc, '$.actors[*].actor') as actors, \
             coalesce(r.doc ->> 'date_basis' = 'estimated', false) as estimated \
             from incidents r where true"
        }
        TimelineEntryType::Claim => {
            "(select 'claim'::text as type, r.id, r.made_start as start_day, \
             r.made_end as end_day, r.doc -> 'made_at' as date, \
             r.doc ->> 'statement' as title, \
             (select doc ->> 'name' from actors where id = r.claimant_id) as claimant_name, \
             r.kind, jsonb_build_array(r.claimant_id) || coalesce(r.doc -> 'about', '[]'::jsonb) \
             as actors, coalesce(r.doc ->> 'made_at_basis' = 'estimated', false) as estimated \
             from claims r where true"
        }
    });
    push_filter(qb, entry, filter);
    let (start, end) = day_columns(entry);
    match walk {
        // Open sides are stored as the sentinels, outside any date the dataset can hold.
        Walk::FirstDated => {
            qb.push(format_args!(" and {start} > ")).push_bind(EARLIEST);
        }
        Walk::LastDated => {
            qb.push(format_args!(" and {end} < ")).push_bind(LATEST);
        }
        Walk::Forward | Walk::Backward => {}
    }
    if let Some(after) = after {
        // The dates alone bound the index scan; the type and id settle ties.
        qb.push(format_args!(" and ({start}, {end}) >= ("));
        qb.push_bind(after.start).push(", ").push_bind(after.end);
        qb.push(format_args!(") and ({start}, {end}, "));
        qb.push_bind(entry.as_str());
        qb.push("::text, r.id) > (");
        qb.push_bind(after.start)
            .push(", ")
            .push_bind(after.end)
            .push(", ");
        qb.push_bind(after.entry_type.as_str());
        qb.push("::text, ").push_bind(after.id.as_str()).push(")");
    }
    let (order, _) = walk.orders((start, end));
    qb.push(format_args!(" order by {order} limit "));
    qb.push_bind(limit);
    qb.push(")");
}

/// The dates of the dataset's earliest and latest dated incidents and claims: the record
/// whose date may begin first (an open start counts for nothing) and the one whose date may
/// end last (likewise), or `None` when nothing is dated.
#[tracing::instrument(skip(db))]
pub async fn coverage(db: &Reader) -> Result<Option<(PartialDate, PartialDate)>, sqlx::Error> {
    // Each side is an index's first or last entry past the open-side sentinels.
    let row = sqlx::query!(
        r#"
        select
          (select d from (
             (select date_start as s, doc -> 'date' as d from incidents
              where date_start > $1 order by date_start limit 1)
             union all
             (select made_start, doc -> 'made_at' from claims
              where made_start > $1 order by made_start limit 1)
           ) x order by s, d::text limit 1) as "earliest?: Json<PartialDate>",
          (select d from (
             (select date_end as e, doc -> 'date' as d from incidents
              where date_end < $2 order by date_end desc limit 1)
             union all
             (select made_end, doc -> 'made_at' from claims
              where made_end < $2 order by made_end desc limit 1)
           ) x order by e desc, d::text limit 1) as "latest?: Json<PartialDate>"
        "#,
        crate::domain::partial_date::EARLIEST,
        crate::domain::partial_date::LATEST,
    )
    .fetch_one(&mut *db.conn().await?)
    .await?;
    Ok(row.earliest.zip(row.latest).map(|(e, l)| (e.0, l.0)))
}
