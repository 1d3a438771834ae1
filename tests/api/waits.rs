//! Every wait is bounded: a write that waits for another longer than the lock timeout, and an
//! `as_of` time (which waits for a write in progress), are answered 503 with `Retry-After`,
//! and nothing is written. Assertions are on outcomes, never on elapsed time.

use durand::config::{ServerSettings, WaitSettings};
use durand::store;
use durand::store::keys::{self, Scope};
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

use crate::helpers::{TestApp, reply};

/// The writers' advisory lock ("durand" in ASCII), as `store::history` takes it.
const WRITE_LOCK: i64 = 0x6475_7261_6e64;

#[sqlx::test]
async fn a_write_or_an_as_of_time_waiting_past_the_lock_timeout_is_a_503_and_writes_nothing(
    pool: PgPool,
) {
    let waits = WaitSettings {
        lock_timeout_ms: 300,
        ..WaitSettings::default()
    };
    // The serving pool as `durand serve` opens it, on the test's database.
    let serving = store::connect_serving(pool.connect_options().as_ref().clone(), 5, &waits);
    let mut settings = ServerSettings::default();
    settings.rate_limit.per_minute = 0;
    settings.waits = waits;
    let app = TestApp::spawn_with(serving, settings).await;
    let (token, _) = keys::create(&pool, "editor", Scope::Write).await.unwrap();
    let claim = app
        .request(
            reqwest::Method::GET,
            "/v1/claims/pakistan-claims-133-taliban-killed",
        )
        .await;
    let etag = claim.headers()["etag"].to_str().unwrap().to_owned();
    let versions_before: i64 = sqlx::query_scalar("select count(*) from dataset_versions")
        .fetch_one(&pool)
        .await
        .unwrap();

    // Another session holds the writers' lock, as a long write would.
    let holder = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(pool.connect_options().as_ref().clone())
        .await
        .unwrap();
    let mut held = holder.begin().await.unwrap();
    sqlx::query("select pg_advisory_xact_lock($1)")
        .bind(WRITE_LOCK)
        .execute(&mut *held)
        .await
        .unwrap();

    let patched = app
        .client
        .patch(format!(
            "{}/v1/claims/pakistan-claims-133-taliban-killed",
            app.base
        ))
        .bearer_auth(&token)
        .header("If-Match", &etag)
        .header("Content-Type", "application/merge-patch+json")
        .body(r#"{"status_note": "Waited too long."}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(patched.headers()["retry-after"], "2");
    let problem = reply(patched).await;
    let body = problem.assert_problem(503);
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("nothing was changed"),
        "{body}"
    );

    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let as_of_time = app
        .request(reqwest::Method::GET, &format!("/v1/claims?as_of={now}"))
        .await;
    assert_eq!(as_of_time.status(), 503);
    // A read of the current data does not wait for writers.
    assert_eq!(
        app.request(reqwest::Method::GET, "/v1/claims")
            .await
            .status(),
        200
    );

    held.rollback().await.unwrap();
    let versions_after: i64 = sqlx::query_scalar("select count(*) from dataset_versions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        versions_after, versions_before,
        "the refused write wrote nothing"
    );
    // Once the lock is free, the same write goes through.
    let retried = app
        .client
        .patch(format!(
            "{}/v1/claims/pakistan-claims-133-taliban-killed",
            app.base
        ))
        .bearer_auth(&token)
        .header("If-Match", &etag)
        .header("Content-Type", "application/merge-patch+json")
        .body(r#"{"status_note": "Waited too long."}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(retried.status(), 200);
}
