//! The names attribution sentences need: actors, sources, and who made contradicting claims.

use std::collections::HashMap;

use super::Reader;
use sqlx::types::Json;

use crate::domain::attribution::Context;
use crate::domain::{ActorKind, Claim, ForceFigure, Source};

/// Loads the context for attributing these claims and force figures, in three queries.
#[tracing::instrument(skip_all)]
pub async fn attribution_context(
    db: &Reader,
    claims: &[Claim],
    figures: &[ForceFigure],
) -> Result<Context, sqlx::Error> {
    let contradicting: Vec<String> = claims
        .iter()
        .flat_map(|c| c.contradicted_by.iter().map(ToString::to_string))
        .collect();
    let claimants = claimants(db, &contradicting).await?;

    let mut actor_ids: Vec<String> = claimants.values().cloned().collect();
    actor_ids.extend(claims.iter().map(|c| c.claimant.to_string()));
    actor_ids.extend(
        claims
            .iter()
            .filter_map(|c| c.relayed_by.as_ref().map(ToString::to_string)),
    );
    actor_ids.extend(
        figures
            .iter()
            .flat_map(|f| [f.actor.to_string(), f.claimant.to_string()]),
    );
    let actors = actor_names(db, &actor_ids).await?;

    let source_ids: Vec<String> = claims
        .iter()
        .flat_map(|c| c.sources.ids())
        .chain(figures.iter().flat_map(|f| f.sources.ids()))
        .map(ToString::to_string)
        .collect();
    let sources = sources(db, &source_ids).await?;

    Ok(Context {
        actors,
        sources,
        claimants,
    })
}

/// Who made each of the claims `ids` (claim id → claimant's actor id); unknown ids are left out.
pub async fn claimants(
    db: &Reader,
    ids: &[String],
) -> Result<HashMap<String, String>, sqlx::Error> {
    Ok(
        sqlx::query!("select id, claimant_id from claims where id = any($1)", ids)
            .fetch_all(&mut *db.conn().await?)
            .await?
            .into_iter()
            .map(|r| (r.id, r.claimant_id))
            .collect(),
    )
}

/// What each of the claims `ids` states (claim id → statement); unknown ids are left out.
pub async fn statements(
    db: &Reader,
    ids: &[String],
) -> Result<HashMap<String, String>, sqlx::Error> {
    Ok(sqlx::query!(
        r#"select id, doc->>'statement' as "statement!" from claims where id = any($1)"#,
        ids
    )
    .fetch_all(&mut *db.conn().await?)
    .await?
    .into_iter()
    .map(|r| (r.id, r.statement))
    .collect())
}

/// The name and kind of each of the actors `ids`; unknown ids are left out.
pub async fn actor_names(
    db: &Reader,
    ids: &[String],
) -> Result<HashMap<String, (String, ActorKind)>, sqlx::Error> {
    Ok(sqlx::query!(
        r#"select id, doc->>'name' as "name!", doc->'kind' as "kind!: Json<ActorKind>" from actors where id = any($1)"#,
        ids
    )
    .fetch_all(&mut *db.conn().await?)
    .await?
    .into_iter()
    .map(|r| (r.id, (r.name, r.kind.0)))
    .collect())
}

/// The sources `ids` and the sources they are cited in (one level is all the data has), by
/// id; unknown ids are left out.
pub async fn sources(db: &Reader, ids: &[String]) -> Result<HashMap<String, Source>, sqlx::Error> {
    Ok(sqlx::query_scalar!(
        r#"
        select doc as "doc!: Json<Source>" from sources
        where id = any($1)
           or id in (select doc->>'cited_in' from sources where id = any($1))
        "#,
        ids
    )
    .fetch_all(&mut *db.conn().await?)
    .await?
    .into_iter()
    .map(|Json(s)| (s.id.to_string(), s))
    .collect())
}
