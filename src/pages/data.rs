//! What the pages show, gathered with the reads the API's own handlers make: a chart and
//! its JSON twin (`/v1/force-comparison`) come from one function.

use crate::domain::attribution::Context;
use crate::domain::{
    ActorId, ActorSort, Claim, ClaimSort, ForceComparison, ForceFigure, ForceMetric, IncidentSort,
    Resource,
};
use crate::error::ApiError;
use crate::representation;
use crate::store::actors::ACTORS;
use crate::store::claims::CLAIMS;
use crate::store::incidents::INCIDENTS;
use crate::store::keyset::{ListQueries, Sorted};
use crate::store::timeline::{TimelineFilter, TimelineRow};
use crate::store::{self, Reader};

use super::timeline::Timeline;
use super::{Coverage, Listed, MapData, Overview};

/// The actors whose forces the home page compares.
pub const COMPARED: [&str; 2] = ["pakistan", "afghan-taliban"];

/// The most claims the home page lists (the newest), for the same reason.
pub const CLAIMS_LIMIT: i64 = 200;

/// The most actors the home page lists (by name).
pub const ACTORS_LIMIT: i64 = 200;

/// The most incidents the home page's map draws (the newest): a page's size stays bounded
/// whatever the dataset holds.
pub const MAP_LIMIT: i64 = 500;

/// The most entries a timeline draws (the earliest, the latest and the newest): a page's size
/// stays bounded whatever the dataset holds.
pub const TIMELINE_LIMIT: usize = 60;

/// How far a timeline counts its entries: past it, it says "more than" this many, so that a
/// view does not count a million rows.
pub const TIMELINE_COUNT_CAP: i64 = 10_000;

/// One metric's comparison, with the names and sources its credits need.
pub struct Chart {
    pub comparison: crate::domain::MetricComparison,
    pub context: Context,
    /// The dataset version it was drawn from.
    pub version: i64,
}

/// What names the actors compared, the claimants and sources of their figures, and those of
/// `claims` (with the claimants of the claims contradicting them).
async fn context(
    reader: &Reader,
    comparison: &ForceComparison,
    claims: &[Claim],
) -> Result<Context, ApiError> {
    let figures: Vec<ForceFigure> = comparison
        .metrics
        .iter()
        .flat_map(|m| m.actors.iter().flat_map(|a| a.figures.iter().cloned()))
        .collect();
    let mut context = store::lookups::attribution_context(reader, claims, &figures).await?;
    // An actor without a figure is named too (its row says it has none).
    for id in &comparison.actors {
        if !context.actors.contains_key(id.as_str())
            && let Some(actor) = store::actors::get_actor(reader, id).await?
        {
            context
                .actors
                .insert(id.to_string(), (actor.name, actor.kind));
        }
    }
    Ok(context)
}

/// The first `limit` records of a collection in `order` (its newest, for the orders used here),
/// and whether it holds more.
async fn newest<F: Default, R, T>(
    queries: &ListQueries<F, R, T>,
    reader: &Reader,
    order: impl Sorted,
    limit: i64,
) -> Result<Listed<T>, sqlx::Error>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
{
    newest_where(queries, reader, &F::default(), order, limit).await
}

/// The first `limit` records of a collection that pass `filter`, in `order`, and whether
/// there are more.
pub(super) async fn newest_where<F, R, T>(
    queries: &ListQueries<F, R, T>,
    reader: &Reader,
    filter: &F,
    order: impl Sorted,
    limit: i64,
) -> Result<Listed<T>, sqlx::Error>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
{
    let order = order.order();
    let mut items = queries
        .page(reader, filter, &order, None, limit + 1)
        .await?;
    let more = items.len() as i64 > limit;
    items.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(Listed { items, more })
}

/// What `/` shows.
pub async fn overview(reader: &Reader) -> Result<Overview, ApiError> {
    let info = representation::dataset_info(reader).await?;
    // The compared actors, those the data holds: a dataset without them has no comparison,
    // and the page says so rather than failing.
    let mut actors = Vec::new();
    for id in COMPARED {
        let id = ActorId::parse(id).expect("the compared actors' ids are valid");
        if store::actors::actor_exists(reader, &id).await? {
            actors.push(id);
        }
    }
    let comparison = if actors.len() == COMPARED.len() {
        representation::force_comparison(reader, actors, None).await?
    } else {
        ForceComparison {
            actors,
            metrics: Vec::new(),
        }
    };
    let actors = newest(&ACTORS, reader, ActorSort::Name, ACTORS_LIMIT).await?;
    let mut claims = newest(&CLAIMS, reader, ClaimSort::MadeAtDesc, CLAIMS_LIMIT).await?;
    representation::attribute_claims(reader, &mut claims.items).await?;
    let mut context = context(reader, &comparison, &claims.items).await?;
    let coverage = store::timeline::coverage(reader)
        .await?
        .map(|(earliest, latest)| Coverage { earliest, latest });
    let incidents = newest(&INCIDENTS, reader, IncidentSort::DateDesc, MAP_LIMIT).await?;
    // Places that one party's claim puts there are drawn as that party's.
    let according: Vec<String> = incidents
        .items
        .iter()
        .flat_map(|i| &i.locations)
        .filter_map(|l| l.according_to.as_ref().map(ToString::to_string))
        .collect();
    let placed_by = store::lookups::claimants(reader, &according).await?;
    let unnamed: Vec<String> = placed_by
        .values()
        .filter(|a| !context.actors.contains_key(*a))
        .cloned()
        .collect();
    context
        .actors
        .extend(store::lookups::actor_names(reader, &unnamed).await?);
    let timeline = timeline(reader, TimelineFilter::default()).await?;
    Ok(Overview {
        info,
        timeline,
        comparison,
        context,
        coverage,
        claims,
        actors,
        map: MapData {
            incidents,
            placed_by,
        },
    })
}

/// The comparison of `actors` on `metric`, as `/v1/force-comparison?metric=` has it (an
/// empty chart when none of them has a figure for it).
pub async fn force_chart(
    reader: &Reader,
    actors: Vec<ActorId>,
    metric: ForceMetric,
) -> Result<Chart, ApiError> {
    let comparison = representation::force_comparison(reader, actors, Some(metric)).await?;
    let context = context(reader, &comparison, &[]).await?;
    let version = store::dataset::stamp(reader)
        .await?
        .map_or(0, |s| s.version);
    let comparison = comparison
        .metrics
        .into_iter()
        .find(|m| m.metric == metric)
        .unwrap_or_else(|| crate::domain::MetricComparison {
            metric,
            actors: comparison
                .actors
                .iter()
                .map(|actor| crate::domain::ActorFigures {
                    actor: actor.clone(),
                    figures: Vec::new(),
                })
                .collect(),
            ratio: None,
            stated: Vec::new(),
        });
    Ok(Chart {
        comparison,
        context,
        version,
    })
}

/// The timeline's entries under `filter` that a drawing shows, as `/v1/timeline` reads them:
/// the earliest and the latest dated entry, and the newest up to [`TIMELINE_LIMIT`] in all,
/// in timeline order; with how many there are (counted up to [`TIMELINE_COUNT_CAP`]). A 404
/// for an actor that does not exist.
pub async fn timeline(reader: &Reader, filter: TimelineFilter) -> Result<Timeline, ApiError> {
    let actor = match &filter.actor {
        None => None,
        Some(id) => match store::actors::get_actor(reader, id).await? {
            Some(actor) => Some(actor.name),
            None => {
                return Err(ApiError::NotFound {
                    resource: Resource::Actors,
                    id: id.to_string(),
                });
            }
        },
    };
    let (first, last) = store::timeline::timeline_ends(reader, &filter).await?;
    let newest = store::timeline::newest_timeline(reader, &filter, TIMELINE_LIMIT as i64).await?;
    let mut entries: Vec<TimelineRow> = Vec::with_capacity(TIMELINE_LIMIT);
    for row in first.into_iter().chain(last).chain(newest) {
        if entries.len() == TIMELINE_LIMIT {
            break;
        }
        if !entries
            .iter()
            .any(|e| e.entry_type == row.entry_type && e.id == row.id)
        {
            entries.push(row);
        }
    }
    // In timeline order: reversed, the newest are in the database's order, which the (stable)
    // sort keeps on ties of the dates and type.
    entries.reverse();
    entries.sort_by_key(|e| (e.date.0.start(), e.date.0.end(), e.entry_type.as_str()));
    let total = store::timeline::count_timeline(reader, &filter, TIMELINE_COUNT_CAP).await?;
    Ok(Timeline {
        entries,
        total,
        cap: TIMELINE_COUNT_CAP,
        actor,
    })
}

/// The dataset version `reader` reads (0 for an empty database).
pub async fn version(reader: &Reader) -> Result<i64, ApiError> {
    Ok(store::dataset::stamp(reader)
        .await?
        .map_or(0, |s| s.version))
}
