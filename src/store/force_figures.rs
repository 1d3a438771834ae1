//! Queries on force-strength figures.

use chrono::NaiveDate;
use sqlx::PgPool;
use sqlx::types::Json;

use super::After;
use crate::domain::{ActorId, ForceFigure, ForceMetric};

/// Filters on the force-figures collection; `None` means "any".
#[derive(Debug, Clone, Default)]
pub struct ForceFigureFilter {
    /// Figures about any of these actors (empty: any actor).
    pub actors: Vec<ActorId>,
    pub metric: Option<ForceMetric>,
    /// Figures whose period overlaps this span of days.
    pub as_of: Option<(NaiveDate, NaiveDate)>,
}

/// One page of force figures in id order, after `after`.
#[tracing::instrument(skip(pool))]
pub async fn list_force_figures(
    pool: &PgPool,
    filter: &ForceFigureFilter,
    after: Option<&After<()>>,
    limit: i64,
) -> Result<Vec<ForceFigure>, sqlx::Error> {
    let actors: Vec<String> = filter.actors.iter().map(ToString::to_string).collect();
    let rows = sqlx::query_scalar!(
        r#"
        select doc as "doc!: Json<ForceFigure>"
        from force_figures
        where (cardinality($1::text[]) = 0 or actor_id = any($1))
          and ($2::text is null or metric = $2)
          and ($3::date is null or as_of_end >= $3)
          and ($4::date is null or as_of_start <= $4)
          and ($5::text is null or id > $5)
        order by id
        limit $6
        "#,
        &actors,
        filter.metric.map(ForceMetric::as_str),
        filter.as_of.map(|(start, _)| start),
        filter.as_of.map(|(_, end)| end),
        after.map(|a| a.id.as_str()),
        limit,
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|Json(f)| f).collect())
}
