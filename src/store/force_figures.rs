//! Queries on force-strength figures.

use chrono::NaiveDate;
use sqlx::types::Json;
use sqlx::{Postgres, QueryBuilder};

use super::Reader;

use super::keyset::{KeyKind, Order, Position, Sorted, push_after, push_eq, push_order_limit};
use crate::domain::{ActorId, ForceFigure, ForceFigureSort, ForceMetric};

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

/// One page of force figures in `sort` order, after `after`.
#[tracing::instrument(skip(db))]
pub async fn list_force_figures(
    db: &Reader,
    filter: &ForceFigureFilter,
    sort: ForceFigureSort,
    after: Option<&Position>,
    limit: i64,
) -> Result<Vec<ForceFigure>, sqlx::Error> {
    let mut qb = QueryBuilder::new("select f.doc from force_figures f");
    push_filter(&mut qb, filter);
    push_after(&mut qb, &sort.order(), after);
    push_order_limit(&mut qb, &sort.order(), limit);
    let rows: Vec<Json<ForceFigure>> = qb
        .build_query_scalar()
        .fetch_all(&mut *db.conn().await?)
        .await?;
    Ok(rows.into_iter().map(|Json(f)| f).collect())
}

/// How many force figures match `filter` (for `count=true`).
#[tracing::instrument(skip(db))]
pub async fn count_force_figures(
    db: &Reader,
    filter: &ForceFigureFilter,
) -> Result<i64, sqlx::Error> {
    let mut qb = QueryBuilder::new("select count(*) from force_figures f");
    push_filter(&mut qb, filter);
    qb.build_query_scalar()
        .fetch_one(&mut *db.conn().await?)
        .await
}

/// One force figure, if it exists.
#[tracing::instrument(skip(db))]
pub async fn get_force_figure(
    db: &Reader,
    id: &crate::domain::ForceFigureId,
) -> Result<Option<ForceFigure>, sqlx::Error> {
    let row = sqlx::query_scalar!(
        r#"select doc as "doc!: Json<ForceFigure>" from force_figures where id = $1"#,
        id.as_str(),
    )
    .fetch_optional(&mut *db.conn().await?)
    .await?;
    Ok(row.map(|Json(f)| f))
}
