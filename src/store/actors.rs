//! Queries on actors.

use sqlx::types::Json;
use sqlx::{Postgres, QueryBuilder};

use super::Reader;

use super::keyset::{KeyKind, Order, Position, Sorted, push_after, push_eq, push_order_limit};
use crate::domain::{Actor, ActorId, ActorKind, ActorSort, CountryCode};

impl Sorted for ActorSort {
    fn order(self) -> Order {
        match self {
            Self::Id => Order::by_id("a.id", false),
            Self::IdDesc => Order::by_id("a.id", true),
            Self::Name => Order::by("(a.doc->>'name')", KeyKind::Text, "a.id", false),
            Self::NameDesc => Order::by("(a.doc->>'name')", KeyKind::Text, "a.id", true),
        }
    }
}

/// Filters on the actors collection; `None` means "any".
#[derive(Debug, Clone, Default)]
pub struct ActorFilter {
    pub kind: Option<ActorKind>,
    pub country: Option<CountryCode>,
}

fn push_filter(qb: &mut QueryBuilder<'_, Postgres>, filter: &ActorFilter) {
    qb.push(" where true");
    push_eq(qb, "a.kind", filter.kind.map(ActorKind::as_str));
    push_eq(
        qb,
        "a.country",
        filter.country.as_ref().map(CountryCode::as_str),
    );
}

/// One page of actors in `sort` order, after `after`.
#[tracing::instrument(skip(db))]
pub async fn list_actors(
    db: &Reader,
    filter: &ActorFilter,
    sort: ActorSort,
    after: Option<&Position>,
    limit: i64,
) -> Result<Vec<Actor>, sqlx::Error> {
    let mut qb = QueryBuilder::new("select a.doc from actors a");
    push_filter(&mut qb, filter);
    push_after(&mut qb, &sort.order(), after);
    push_order_limit(&mut qb, &sort.order(), limit);
    let rows: Vec<Json<Actor>> = qb
        .build_query_scalar()
        .fetch_all(&mut *db.conn().await?)
        .await?;
    Ok(rows.into_iter().map(|Json(a)| a).collect())
}

/// How many actors match `filter` (for `count=true`).
#[tracing::instrument(skip(db))]
pub async fn count_actors(db: &Reader, filter: &ActorFilter) -> Result<i64, sqlx::Error> {
    let mut qb = QueryBuilder::new("select count(*) from actors a");
    push_filter(&mut qb, filter);
    qb.build_query_scalar()
        .fetch_one(&mut *db.conn().await?)
        .await
}

/// One actor, if it exists.
#[tracing::instrument(skip(db))]
pub async fn get_actor(db: &Reader, id: &ActorId) -> Result<Option<Actor>, sqlx::Error> {
    let row = sqlx::query_scalar!(
        r#"select doc as "doc!: Json<Actor>" from actors where id = $1"#,
        id.as_str(),
    )
    .fetch_optional(&mut *db.conn().await?)
    .await?;
    Ok(row.map(|Json(a)| a))
}

/// Whether an actor exists, for sub-collections that must 404 on an unknown actor.
#[tracing::instrument(skip(db))]
pub async fn actor_exists(db: &Reader, id: &ActorId) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from actors where id = $1) as "exists!""#,
        id.as_str(),
    )
    .fetch_one(&mut *db.conn().await?)
    .await
}
