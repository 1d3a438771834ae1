//! Queries on force-strength figures.

use chrono::NaiveDate;
use sqlx::{Postgres, QueryBuilder};

use super::{Reader, documents};

use super::keyset::{
    DateRange, DocQueries, KeyKind, ListQueries, Order, Sorted, doc, push_eq, push_overlaps,
};
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
    let (from, to) = filter.dated.unzip();
    push_overlaps(qb, ("f.as_of_start", "f.as_of_end"), DateRange { from, to });
}

/// The force-figures collection's list and count queries.
pub const FORCE_FIGURES: DocQueries<ForceFigureFilter, ForceFigure> = ListQueries {
    table: "force_figures f",
    columns: "f.doc",
    keys_first: false,
    filter: push_filter,
    record: doc,
};

/// One force figure, if it exists.
#[tracing::instrument(skip(db))]
pub async fn get_force_figure(
    db: &Reader,
    id: &crate::domain::ForceFigureId,
) -> Result<Option<ForceFigure>, sqlx::Error> {
    documents::get(&mut *db.conn().await?, Resource::ForceFigures, id.as_str()).await
}
