//! Whole documents by id, in any resource's table: the queries that differ only in the table.
//!
//! Their SQL is built with [`table`], a fixed name per resource (from a closed enum, never
//! from input), so it is checked by the tests rather than at compile time; the text is the
//! same as one literal query per table would be.

use serde::de::DeserializeOwned;
use serde_json::Value;
use sqlx::PgConnection;
use sqlx::types::Json;

use crate::domain::Resource;

/// The table of a resource's current records (in a past version's reads, the `asof` view of
/// the same name).
pub(crate) const fn table(resource: Resource) -> &'static str {
    match resource {
        Resource::Sources => "sources",
        Resource::Actors => "actors",
        Resource::Incidents => "incidents",
        Resource::Claims => "claims",
        Resource::ForceFigures => "force_figures",
    }
}

/// The stored document of record `id`, or `None` when there is no such record.
pub(crate) async fn get<T>(
    conn: &mut PgConnection,
    resource: Resource,
    id: &str,
) -> Result<Option<T>, sqlx::Error>
where
    T: DeserializeOwned + Send + Unpin + 'static,
{
    let sql = format!("select doc from {} where id = $1", table(resource));
    let row: Option<Json<T>> = sqlx::query_scalar(&sql)
        .bind(id)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|Json(doc)| doc))
}

/// Whether record `id` exists.
pub(crate) async fn exists(
    conn: &mut PgConnection,
    resource: Resource,
    id: &str,
) -> Result<bool, sqlx::Error> {
    let sql = format!(
        "select exists (select 1 from {} where id = $1)",
        table(resource)
    );
    sqlx::query_scalar(&sql).bind(id).fetch_one(conn).await
}

/// Every document of a resource, in id order.
pub(crate) async fn all<T>(
    conn: &mut PgConnection,
    resource: Resource,
) -> Result<Vec<T>, sqlx::Error>
where
    T: DeserializeOwned + Send + Unpin + 'static,
{
    let sql = format!("select doc from {} order by id", table(resource));
    let rows: Vec<Json<T>> = sqlx::query_scalar(&sql).fetch_all(conn).await?;
    Ok(rows.into_iter().map(|Json(doc)| doc).collect())
}

/// Deletes the row of record `id` (its child rows go with it); returns its stored document.
pub(crate) async fn delete(
    conn: &mut PgConnection,
    resource: Resource,
    id: &str,
) -> Result<Option<Value>, sqlx::Error> {
    let sql = format!(
        "delete from {} where id = $1 returning doc",
        table(resource)
    );
    sqlx::query_scalar(&sql).bind(id).fetch_optional(conn).await
}
