//! Queries on actors.

use sqlx::PgPool;
use sqlx::types::Json;

use super::After;
use crate::domain::{Actor, ActorId, ActorKind, CountryCode};

/// One page of actors in id order, after `after`.
#[tracing::instrument(skip(pool))]
pub async fn list_actors(
    pool: &PgPool,
    kind: Option<ActorKind>,
    country: Option<&CountryCode>,
    after: Option<&After<()>>,
    limit: i64,
) -> Result<Vec<Actor>, sqlx::Error> {
    let rows = sqlx::query_scalar!(
        r#"
        select doc as "doc!: Json<Actor>"
        from actors
        where ($1::text is null or kind = $1)
          and ($2::text is null or country = $2)
          and ($3::text is null or id > $3)
        order by id
        limit $4
        "#,
        kind.map(ActorKind::as_str),
        country.map(CountryCode::as_str),
        after.map(|a| a.id.as_str()),
        limit,
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|Json(a)| a).collect())
}

/// One actor, if it exists.
#[tracing::instrument(skip(pool))]
pub async fn get_actor(pool: &PgPool, id: &ActorId) -> Result<Option<Actor>, sqlx::Error> {
    let row = sqlx::query_scalar!(
        r#"select doc as "doc!: Json<Actor>" from actors where id = $1"#,
        id.as_str(),
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|Json(a)| a))
}

/// Whether an actor exists, for sub-collections that must 404 on an unknown actor.
#[tracing::instrument(skip(pool))]
pub async fn actor_exists(pool: &PgPool, id: &ActorId) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from actors where id = $1) as "exists!""#,
        id.as_str(),
    )
    .fetch_one(pool)
    .await
}
