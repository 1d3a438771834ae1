//! Row versions of the data tables (migration `20261130000002_row_versions`): each current row
//! carries `valid_from`, the dataset version that wrote it, and `history.<table>` keeps every
//! row a later version replaced, with `valid_to`. A trigger does it on every write.
//!
//! Databases written before row versions existed are backfilled here, once, from `revisions`:
//! the versions are replayed in order into scratch tables whose triggers fill `history`, and
//! the current rows get the `valid_from` the replay gave them.

use sqlx::{Executor, PgConnection, PgPool};

use super::{curation, history, records};
use crate::domain::{Record, Resource};

/// Every versioned table, with the columns that identify one of its rows.
pub const TABLES: [(&str, &str); 12] = [
    ("dataset_meta", "singleton"),
    ("sources", "id"),
    ("actors", "id"),
    ("actor_relations", "actor_id, position"),
    ("incidents", "id"),
    ("incident_actors", "incident_id, actor_id, role"),
    ("incident_locations", "incident_id, position"),
    ("claims", "id"),
    ("claim_about", "claim_id, actor_id"),
    ("claim_contradictions", "claim_id, contradicted_by_id"),
    ("force_figures", "id"),
    ("citations", "resource, record_id, source_id"),
];

/// The scratch schema of a backfill; it exists only inside the backfill's transaction.
const REPLAY: &str = "durand_replay";

/// Gives a database written before row versions its history, once: a no-op when there is no
/// data, or when the current rows already carry their versions.
#[tracing::instrument(skip_all)]
pub async fn backfill(pool: &PgPool) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    history::lock(&mut tx).await?;
    let needed: bool = sqlx::query_scalar(
        "select exists (select 1 from dataset_meta where valid_from = 0)
            and exists (select 1 from dataset_versions)",
    )
    .fetch_one(&mut *tx)
    .await?;
    if !needed {
        return Ok(());
    }
    let started = std::time::Instant::now();
    create_replay_tables(&mut tx).await?;
    let versions = replay(&mut tx).await?;
    // Back on the current tables: copy each row's version from its replayed twin.
    tx.execute("select set_config('search_path', 'public', true), set_config('durand.backfill', 'on', true)")
        .await?;
    for (table, key) in TABLES {
        let on = key
            .split(", ")
            .map(|c| format!("p.{c} = r.{c}"))
            .collect::<Vec<_>>()
            .join(" and ");
        tx.execute(
            format!(
                "update public.{table} p set valid_from = r.valid_from from {REPLAY}.{table} r where {on}"
            )
            .as_str(),
        )
        .await?;
    }
    tx.execute(format!("drop schema {REPLAY} cascade").as_str())
        .await?;
    tx.commit().await?;
    tracing::info!(
        versions,
        backfill_ms = started.elapsed().as_millis() as u64,
        "gave the data tables their row versions from the revisions"
    );
    Ok(())
}

/// Scratch copies of the data tables (keys, checks and generated columns, no foreign keys),
/// with the same versioning trigger, which writes to `history`.
async fn create_replay_tables(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    conn.execute(format!("create schema {REPLAY}").as_str())
        .await?;
    for (table, _) in TABLES {
        conn.execute(
            format!(
                "create table {REPLAY}.{table} (like public.{table} including defaults including generated including constraints including indexes)"
            )
            .as_str(),
        )
        .await?;
        conn.execute(
            format!(
                "create trigger versioned before insert or update or delete on {REPLAY}.{table} \
                 for each row execute function public.durand_version_row()"
            )
            .as_str(),
        )
        .await?;
    }
    Ok(())
}

/// Writes every version's revisions, in order, to the scratch tables; returns how many.
async fn replay(conn: &mut PgConnection) -> Result<usize, sqlx::Error> {
    conn.execute(format!("select set_config('search_path', '{REPLAY}', true)").as_str())
        .await?;
    let versions: Vec<(i64, chrono::DateTime<chrono::Utc>, serde_json::Value)> =
        sqlx::query_as("select version, at, meta from public.dataset_versions order by version")
            .fetch_all(&mut *conn)
            .await?;
    for (version, at, meta) in &versions {
        sqlx::query("select set_config('durand.version', $1, true)")
            .bind(version.to_string())
            .execute(&mut *conn)
            .await?;
        let revisions: Vec<(String, String, Option<serde_json::Value>)> = sqlx::query_as(
            "select resource, record_id, after from public.revisions where version = $1
             order by resource, record_id",
        )
        .bind(version)
        .fetch_all(&mut *conn)
        .await?;
        for (resource, id, after) in revisions {
            let resource: Resource = resource.parse().map_err(|()| {
                sqlx::Error::Decode(format!("unknown resource `{resource}` in revisions").into())
            })?;
            match after {
                Some(doc) => {
                    let record = Record::from_doc(resource, doc)
                        .map_err(|e| sqlx::Error::Decode(e.into()))?;
                    records::upsert(conn, &record).await?;
                }
                None => {
                    curation::delete(conn, resource, &id).await?;
                    delete_children(conn, resource, &id).await?;
                }
            }
        }
        sqlx::query(
            "insert into dataset_meta (singleton, release, updated_at, doc, version, changed_at)
             values (true, $1->>'release', ($1->>'updated')::timestamptz, $1, $2, $3)
             on conflict (singleton) do update set release = excluded.release,
                 updated_at = excluded.updated_at, doc = excluded.doc,
                 version = excluded.version, changed_at = excluded.changed_at",
        )
        .bind(meta)
        .bind(version)
        .bind(at)
        .execute(&mut *conn)
        .await?;
    }
    Ok(versions.len())
}

/// What the foreign keys' cascades delete with a record in the current tables (the scratch
/// tables have no foreign keys): its child rows and, for a claim, the contradictions naming it.
async fn delete_children(
    conn: &mut PgConnection,
    resource: Resource,
    id: &str,
) -> Result<(), sqlx::Error> {
    records::clear_children(conn, resource, id).await?;
    if resource == Resource::Claims {
        sqlx::query("delete from claim_contradictions where contradicted_by_id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
