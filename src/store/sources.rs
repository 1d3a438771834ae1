//! Queries on sources.

use sqlx::types::Json;
use sqlx::{Postgres, QueryBuilder};

use super::Reader;

use super::keyset::{Order, Position, Sorted, push_after, push_eq, push_order_limit};
use crate::domain::{Source, SourceId, SourceKind, SourceSort};

impl Sorted for SourceSort {
    fn order(self) -> Order {
        Order::by_id("s.id", self == Self::IdDesc)
    }
}

fn push_filter(qb: &mut QueryBuilder<'_, Postgres>, kind: Option<SourceKind>) {
    qb.push(" where true");
    push_eq(qb, "s.kind", kind.map(SourceKind::as_str));
}

/// One page of sources in `sort` order, after `after`.
#[tracing::instrument(skip(db))]
pub async fn list_sources(
    db: &Reader,
    kind: Option<SourceKind>,
    sort: SourceSort,
    after: Option<&Position>,
    limit: i64,
) -> Result<Vec<Source>, sqlx::Error> {
    let mut qb = QueryBuilder::new("select s.doc from sources s");
    push_filter(&mut qb, kind);
    push_after(&mut qb, &sort.order(), after);
    push_order_limit(&mut qb, &sort.order(), limit);
    let rows: Vec<Json<Source>> = qb
        .build_query_scalar()
        .fetch_all(&mut *db.conn().await?)
        .await?;
    Ok(rows.into_iter().map(|Json(s)| s).collect())
}

/// How many sources match (for `count=true`).
#[tracing::instrument(skip(db))]
pub async fn count_sources(db: &Reader, kind: Option<SourceKind>) -> Result<i64, sqlx::Error> {
    let mut qb = QueryBuilder::new("select count(*) from sources s");
    push_filter(&mut qb, kind);
    qb.build_query_scalar()
        .fetch_one(&mut *db.conn().await?)
        .await
}

/// One source, if it exists.
#[tracing::instrument(skip(db))]
pub async fn get_source(db: &Reader, id: &SourceId) -> Result<Option<Source>, sqlx::Error> {
    let row = sqlx::query_scalar!(
        r#"select doc as "doc!: Json<Source>" from sources where id = $1"#,
        id.as_str(),
    )
    .fetch_optional(&mut *db.conn().await?)
    .await?;
    Ok(row.map(|Json(s)| s))
}
