//! Queries on force-strength figures.

use chrono::NaiveDate;
use sqlx::{Postgres, QueryBuilder};

use super::{Reader, documents};

use super::keyset::{DocQueries, KeyKind, ListQueries, Order, Position, Sorted, doc, push_eq};
use crate::domain::{ActorId, ForceFigure, ForceFigureSort, ForceMetric, Resource};

/// Filters on the force-figures collection; `None` means "any".
#[derive(Debug, Clone, Default)]
pub struct ForceFigureFilter {
    /// Figures about any of these actors (empty: any actor).
    pub actors: Vec<ActorId>,
    pub metric: Option<ForceMetric>,
    /// Figures whose period overlaps this span of days.
    pub dated: Option<(NaiveDate, NaiveDate)>,
}

impl Sorted for ForceFigureSort {
    fn order(self) -> Order {
        match self {
            Self::Id => Order::by_id("f.id", false),
            Self::IdDesc => Order::by_id("f.id", true),
            Self::Metric => Order::by("f.metric", KeyKind::Text, "f.id", false),
            Self::MetricDesc => Order::by("f.metric", KeyKind::Text, "f.id", true),
        }
    }
}

fn push_filter(qb: &mut QueryBuilder<'_, Postgres>, filter: &ForceFigureFilter) {
    qb.push(" where true");
    if !filter.actors.is_empty() {
        let actors: Vec<String> = filter.actors.iter().map(ToString::to_string).collect();
        qb.push(" and f.actor_id = any(")
            .push_bind(actors)
            .push(")");
    }
    push_eq(qb, "f.metric", filter.metric.map(ForceMetric::as_str));
    if let Some((start, end)) = filter.dated {
        qb.push(" and f.as_of_end >= ").push_bind(start);
        qb.push(" and f.as_of_start <= ").push_bind(end);
    }
}

/// The force-figures collection's list and count queries.
const FORCE_FIGURES: DocQueries<ForceFigureFilter, ForceFigure> = ListQueries {
    table: "force_figures f",
    columns: "f.doc",
    keys_first: false,
    filter: push_filter,
    record: doc,
};

/// One page of force figures in `sort` order, after `after`.
#[tracing::instrument(skip(db))]
pub async fn list_force_figures(
    db: &Reader,
    filter: &ForceFigureFilter,
    sort: ForceFigureSort,
    after: Option<&Position>,
    limit: i64,
) -> Result<Vec<ForceFigure>, sqlx::Error> {
    FORCE_FIGURES
        .page(db, filter, &sort.order(), after, limit)
        .await
}

/// How many force figures match `filter` (for `count=true`).
#[tracing::instrument(skip(db))]
pub async fn count_force_figures(
    db: &Reader,
    filter: &ForceFigureFilter,
) -> Result<i64, sqlx::Error> {
    FORCE_FIGURES.count(db, filter).await
}

/// One force figure, if it exists.
#[tracing::instrument(skip(db))]
pub async fn get_force_figure(
    db: &Reader,
    id: &crate::domain::ForceFigureId,
) -> Result<Option<ForceFigure>, sqlx::Error> {
    documents::get(&mut *db.conn().await?, Resource::ForceFigures, id.as_str()).await
}
