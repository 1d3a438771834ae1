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

    let patch = || {
        app.client
            .patch(format!(
                "{}/v1/claims/pakistan-claims-133-taliban-killed",
                app.base
            ))
            .bearer_auth(&token)
            .header("If-Match", &etag)
            .header("Content-Type", "application/merge-patch+json")
            .body(r#"{"status_note": "Waited too long."}"#)
            .send()
    };
    let patched = patch().await.unwrap();
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
    let retried = patch().await.unwrap();
    assert_eq!(retried.status(), 200);
}

#[sqlx::test]
async fn a_body_that_trickles_in_is_cut_off_for_keyed_clients_too(pool: PgPool) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut settings = ServerSettings::default();
    settings.rate_limit.per_minute = 0;
    let app = TestApp::spawn_with(pool.clone(), settings).await;
    let (token, _) = keys::create(&pool, "editor", Scope::Write).await.unwrap();
    let address = app.base.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    // Headers announcing 1,000 bytes, then 7 of them, then nothing.
    let head = format!(
        "POST /v1/claims HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"id\": "
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // The server answers on its own; this bound only stops a broken server hanging the test.
    let mut answer = Vec::new();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        stream.read_to_end(&mut answer),
    )
    .await;
    assert!(read.is_ok(), "the connection was held open");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("application/problem+json"), "{answer}");
    assert!(answer.contains("nothing was changed"), "{answer}");
    let versions: i64 = sqlx::query_scalar("select count(*) from dataset_versions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(versions, 1, "only the bundled load");
}

#[sqlx::test]
async fn a_query_past_the_statement_timeout_is_a_503_not_a_500(pool: PgPool) {
    use actix_web::ResponseError;
    let waits = WaitSettings {
        statement_timeout_ms: 50,
        ..WaitSettings::default()
    };
    let serving = store::connect_serving(pool.connect_options().as_ref().clone(), 1, &waits);
    let cancelled = sqlx::query("select pg_sleep(2)")
        .execute(&serving)
        .await
        .unwrap_err();
    let answer = durand::error::ApiError::from(cancelled);
    assert_eq!(answer.status_code(), 503, "{answer:?}");
    let response = answer.error_response();
    assert_eq!(response.headers().get("retry-after").unwrap(), "2");
}
