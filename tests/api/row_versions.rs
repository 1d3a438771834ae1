//! History as row versions: for every dataset version, the rows valid at it (current rows from
//! their `valid_from` on, history rows over `[valid_from, valid_to)`) are exactly the rows the
//! revision-rebuilt copy of that version holds, table by table; for data written with the
//! versioning triggers and for a database written before them and backfilled.

use std::borrow::Cow;

use durand::domain::{ActorId, Change, Dataset, Resource};
use durand::store::{self, curation, history, row_versions};
use sqlx::PgPool;

/// Every row of `table` at `version` as an `as_of` read sees it (the `asof` views over the
/// row versions), as JSON text without the versioning column.
async fn rows_at(pool: &PgPool, table: &str, version: i64) -> Vec<String> {
    let mut tx = store::Reader::at(pool.clone(), version)
        .begin()
        .await
        .unwrap();
    sqlx::query_scalar(&format!(
        "select (to_jsonb(r) - 'valid_from')::text from {table} r order by 1"
    ))
    .fetch_all(&mut *tx)
    .await
    .unwrap()
}

/// Every row of `table` in a copy of `version` rebuilt from the revisions, as the old `as_of`
/// built it (a schema of copies filled by the import writer).
async fn rebuilt_rows(pool: &PgPool, table: &str, version: i64) -> Vec<String> {
    let schema = format!("rebuilt_{version}");
    let mut tx = pool.begin().await.unwrap();
    let exists: bool =
        sqlx::query_scalar("select exists (select 1 from pg_namespace where nspname = $1)")
            .bind(&schema)
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    if !exists {
        sqlx::query(&format!("create schema {schema}"))
            .execute(&mut *tx)
            .await
            .unwrap();
        for (t, _) in row_versions::TABLES {
            sqlx::query(&format!(
                "create table {schema}.{t} (like public.{t} including all)"
            ))
            .execute(&mut *tx)
            .await
            .unwrap();
        }
        let (dataset, at) = store::versions::dataset_at(pool, version).await.unwrap();
        sqlx::query(&format!("set local search_path = {schema}"))
            .execute(&mut *tx)
            .await
            .unwrap();
        store::import::write_records(&mut tx, &dataset)
            .await
            .unwrap();
        sqlx::query("update dataset_meta set version = $1, changed_at = $2")
            .bind(version)
            .bind(at)
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    let rows = sqlx::query_scalar(&format!(
        "select (to_jsonb(s) - 'valid_from')::text from {schema}.{table} s order by 1"
    ))
    .fetch_all(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    rows
}

/// Asserts that row versions and the rebuilt copies agree on every table at every version.
pub(crate) async fn assert_every_version_matches_the_revisions(pool: &PgPool) {
    let current: i64 = sqlx::query_scalar("select version from dataset_meta")
        .fetch_one(pool)
        .await
        .unwrap();
    assert!(current >= 4, "the scenario makes several versions");
    for version in 1..=current {
        // The counts each write keeps are the records that version holds.
        let reader = store::Reader::at(pool.clone(), version);
        let kept = store::dataset::counts(&reader).await.unwrap();
        let mut tx = reader.begin().await.unwrap();
        for (resource, table) in [
            (Resource::Actors, "actors"),
            (Resource::Sources, "sources"),
            (Resource::Claims, "claims"),
            (Resource::Incidents, "incidents"),
            (Resource::ForceFigures, "force_figures"),
        ] {
            let rows: i64 = sqlx::query_scalar(&format!("select count(*) from {table}"))
                .fetch_one(&mut *tx)
                .await
                .unwrap();
            assert_eq!(kept.of(resource), rows, "{table} at {version}");
        }
        drop(tx);
        for (table, _) in row_versions::TABLES {
            let versioned = rows_at(pool, table, version).await;
            assert!(
                !versioned.is_empty() || table == "claim_contradictions",
                "{table} at {version} is empty"
            );
            assert_eq!(
                versioned,
                rebuilt_rows(pool, table, version).await,
                "{table} at version {version}"
            );
        }
    }
}

/// Versions 2 to 4 on top of the bundled import: an edit that rewrites child rows, an edit
/// of an actor's relations and a figure, and a delete.
async fn make_history(pool: &PgPool) {
    let mut dataset = Dataset::bundled().unwrap();
    store::import::import_dataset(pool, &dataset).await.unwrap();
    let claim = dataset
        .claims
        .iter_mut()
        .find(|c| c.id.as_str() == "ttp-claimed-bajaur-assault")
        .unwrap();
    claim.about.push(ActorId::parse("pakistan").unwrap());
    let incident = dataset
        .incidents
        .iter_mut()
        .find(|i| i.id.as_str() == "bajaur-assault-2026")
        .unwrap();
    incident.locations[0].lat = Some(34.8);
    store::import::import_dataset(pool, &dataset).await.unwrap();
    let actor = dataset
        .actors
        .iter_mut()
        .find(|a| a.id.as_str() == "ttp")
        .unwrap();
    actor.relations.pop();
    dataset.force_figures[0].note = Some("Edited.".into());
    store::import::import_dataset(pool, &dataset).await.unwrap();
    // A delete, as the write path does it.
    let mut tx = pool.begin().await.unwrap();
    history::lock(&mut tx).await.unwrap();
    let id = "afghan-taliban-effective-air-force";
    let before = curation::delete(&mut tx, Resource::ForceFigures, id)
        .await
        .unwrap();
    let change = Change {
        resource: Resource::ForceFigures,
        id: id.to_owned(),
        before,
        after: None,
        reason: Some("test".into()),
    };
    let (version, _) = history::commit_version(&mut tx, "test", std::slice::from_ref(&change))
        .await
        .unwrap();
    curation::bury(&mut tx, &change, version, "test")
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

#[sqlx::test]
async fn row_versions_hold_every_past_version_exactly_as_the_revisions_do(pool: PgPool) {
    make_history(&pool).await;
    assert_every_version_matches_the_revisions(&pool).await;
    // A write adds history in proportion to what it changed: the delete of one force figure
    // closed one force-figure row and one citation row, and the dataset's meta row.
    let closed_by_4: i64 = sqlx::query_scalar(
        "select (select count(*) from history.force_figures where valid_to = 4)
              + (select count(*) from history.citations where valid_to = 4)
              + (select count(*) from history.claims where valid_to = 4)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(closed_by_4, 2);
}

#[sqlx::test(migrations = false)]
async fn a_database_written_before_row_versions_is_backfilled_without_losing_a_version(
    pool: PgPool,
) {
    // The schema as the code before row versions left it, and data written then.
    let before = sqlx::migrate::Migrator {
        migrations: Cow::Owned(
            store::MIGRATOR
                .migrations
                .iter()
                .filter(|m| m.version < 20261130000002)
                .cloned()
                .collect(),
        ),
        ..sqlx::migrate::Migrator::DEFAULT
    };
    before.run(&pool).await.unwrap();
    // Today's writers, which write that history, also keep record counts per version.
    sqlx::query("alter table dataset_versions add column counts jsonb")
        .execute(&pool)
        .await
        .unwrap();
    make_history(&pool).await;
    // Then the migration and its backfill, twice: the second is a no-op.
    store::migrate(&pool).await.unwrap();
    store::migrate(&pool).await.unwrap();
    let unversioned: i64 =
        sqlx::query_scalar("select count(*) from public.claims where valid_from = 0")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(unversioned, 0);
    assert_every_version_matches_the_revisions(&pool).await;
    // Writes after the migration are versioned by the triggers.
    let mut dataset = Dataset::bundled().unwrap();
    dataset.claims[0].statement.push_str(" (edited)");
    dataset
        .force_figures
        .retain(|f| f.id.as_str() != "afghan-taliban-effective-air-force");
    let report = store::import::import_dataset(&pool, &dataset)
        .await
        .unwrap();
    assert!(report.version.is_some());
    assert_every_version_matches_the_revisions(&pool).await;
}
