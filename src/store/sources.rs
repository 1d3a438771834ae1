//! Queries on sources.

use sqlx::PgPool;
use sqlx::types::Json;

use super::After;
use crate::domain::{Source, SourceId, SourceKind};

/// One page of sources in id order, after `after`.
#[tracing::instrument(skip(pool))]
pub async fn list_sources(
    pool: &PgPool,
    kind: Option<SourceKind>,
    after: Option<&After<()>>,
    limit: i64,
) -> Result<Vec<Source>, sqlx::Error> {
    let rows = sqlx::query_scalar!(
        r#"
        select doc as "doc!: Json<Source>"
        from sources
        where ($1::text is null or kind = $1)
          and ($2::text is null or id > $2)
        order by id
        limit $3
        "#,
        kind.map(SourceKind::as_str),
        after.map(|a| a.id.as_str()),
        limit,
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|Json(s)| s).collect())
}

/// One source, if it exists.
#[tracing::instrument(skip(pool))]
pub async fn get_source(pool: &PgPool, id: &SourceId) -> Result<Option<Source>, sqlx::Error> {
    let row = sqlx::query_scalar!(
        r#"select doc as "doc!: Json<Source>" from sources where id = $1"#,
        id.as_str(),
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|Json(s)| s))
}
