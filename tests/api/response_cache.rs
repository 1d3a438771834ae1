//! The response cache and the version listener: unchanged reads answered from memory
//! (without PostgreSQL), kept apart by format and encoding, never stale after a write on
//! this process, and refreshed on every other process by one notification.

use std::io::Read;
use std::time::{Duration, Instant};

use durand::config::ServerSettings;
use durand::replicas::DatasetStamp;
use durand::replicas::{Pools, ReadRouter};
use durand::store::keys::{self, Scope};
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::helpers::{ServerProcess, TestApp, database_url, listening, metric, metrics_page};

const CLAIM: &str = "pakistan-claims-133-taliban-killed";

/// Long enough that within a test only a notification can make a process re-read the
/// dataset version.
const NO_TTL_MS: u64 = 600_000;

fn settings() -> ServerSettings {
    let mut settings = ServerSettings::default();
    settings.rate_limit.per_minute = 0;
    settings.stamp_ttl_ms = NO_TTL_MS;
    settings
}

/// The `durand_response_cache_total` count for `outcome` on a process's metrics page.
async fn lookups(client: &reqwest::Client, base: &str, outcome: &str) -> f64 {
    let page = metrics_page(client, base).await;
    metric(
        &page,
        &format!("durand_response_cache_total{{outcome=\"{outcome}\"}}"),
    )
    .unwrap_or(0.0)
}

/// GETs `path` with extra headers; status, headers and body bytes.
async fn fetch(
    client: &reqwest::Client,
    base: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let mut req = client.get(format!("{base}{path}"));
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    let res = req.send().await.expect("request");
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    (status, headers, res.bytes().await.unwrap().to_vec())
}

async fn patch_statement(app: &TestApp, token: &str, statement: &str) -> i64 {
    let path = format!("{}/v1/claims/{CLAIM}", app.base);
    let etag = app.client.get(&path).send().await.unwrap().headers()["etag"]
        .to_str()
        .unwrap()
        .to_owned();
    let res = app
        .client
        .patch(&path)
        .bearer_auth(token)
        .header("If-Match", etag)
        .header("Content-Type", "application/merge-patch+json")
        .body(json!({"statement": statement}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.headers()["durand-dataset-version"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[sqlx::test]
async fn an_unchanged_read_and_its_304_are_answered_while_every_table_is_locked(pool: PgPool) {
    let app = TestApp::spawn_with(pool.clone(), settings()).await;
    listening(&app.client, &app.base).await;
    let path = "/v1/claims?claimant=pakistan&limit=5";
    let (_, _, first) = fetch(&app.client, &app.base, path, &[]).await;
    let (_, headers, second) = fetch(&app.client, &app.base, path, &[]).await;
    assert_eq!(first, second);
    let etag = headers["etag"].to_str().unwrap().to_owned();
    let hits = lookups(&app.client, &app.base, "hit").await;
    assert!(hits >= 1.0, "the second read was not a hit");

    // Another session takes every table: any read that reaches PostgreSQL now waits.
    let mut locker = pool.begin().await.unwrap();
    sqlx::query(
        "lock table dataset_meta, claims, actors, sources, incidents in access exclusive mode",
    )
    .execute(&mut *locker)
    .await
    .unwrap();
    let quick = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let (status, again, body) = fetch(&quick, &app.base, path, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(body, first, "the same bytes from memory");
    assert_ne!(
        again["x-request-id"], headers["x-request-id"],
        "the request id is each request's own"
    );
    let (status, nm, body) = fetch(&quick, &app.base, path, &[("if-none-match", &etag)]).await;
    assert_eq!(status, 304);
    assert!(body.is_empty());
    assert_eq!(nm["etag"].to_str().unwrap(), etag);
    assert_eq!(nm["durand-dataset-version"], "1");
    // The same query in another order is the same read.
    let reordered = "/v1/claims?limit=5&claimant=pakistan";
    let (status, _, body) = fetch(&quick, &app.base, reordered, &[]).await;
    assert_eq!((status, body), (200, first.clone()));
    // The lock is real: a read the cache does not hold waits on it.
    let uncached = quick
        .get(format!("{}/v1/claims?claimant=pakistan&limit=6", app.base))
        .send()
        .await;
    assert!(
        uncached.is_err(),
        "an uncached read was answered: {uncached:?}"
    );
    locker.rollback().await.unwrap();
    assert!(lookups(&app.client, &app.base, "hit").await >= hits + 3.0);
}

#[sqlx::test]
async fn reads_that_differ_in_format_encoding_or_version_are_kept_apart(pool: PgPool) {
    let app = TestApp::spawn_with(pool, settings()).await;
    listening(&app.client, &app.base).await;
    let path = "/v1/claims?limit=5";
    let variants: [(&str, &[(&str, &str)]); 4] = [
        (path, &[]),
        (path, &[("accept", "text/csv")]),
        ("/v1/claims?limit=5&format=csv", &[]),
        (path, &[("accept-encoding", "gzip")]),
    ];
    let mut firsts = Vec::new();
    for (p, headers) in variants {
        let (status, h, body) = fetch(&app.client, &app.base, p, headers).await;
        assert_eq!(status, 200);
        firsts.push((h, body));
    }
    // Twice over, each variant answers what it answered the first time.
    for _ in 0..2 {
        for (i, (p, headers)) in variants.iter().enumerate() {
            let (_, h, body) = fetch(&app.client, &app.base, p, headers).await;
            assert_eq!(body, firsts[i].1, "variant {i}");
            assert_eq!(
                h["content-type"], firsts[i].0["content-type"],
                "variant {i}"
            );
        }
    }
    let json: Value = serde_json::from_slice(&firsts[0].1).unwrap();
    assert_eq!(json["data"].as_array().unwrap().len(), 5);
    assert!(firsts[1].1.starts_with(b"id,claimant"), "CSV by Accept");
    assert_eq!(firsts[1].1, firsts[2].1, "CSV by Accept and by format=");
    assert_eq!(firsts[3].0["content-encoding"], "gzip");
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&firsts[3].1[..])
        .read_to_end(&mut unzipped)
        .unwrap();
    assert_eq!(
        unzipped, firsts[0].1,
        "the gzip variant holds the same bytes"
    );
    assert!(lookups(&app.client, &app.base, "hit").await >= 8.0);

    // A past version is kept too, and stays immutable.
    let (_, h, past) = fetch(&app.client, &app.base, "/v1/claims?limit=5&as_of=1", &[]).await;
    let (_, again, past_again) =
        fetch(&app.client, &app.base, "/v1/claims?limit=5&as_of=1", &[]).await;
    assert_eq!(past, past_again);
    assert_eq!(h["cache-control"], again["cache-control"]);
    assert!(
        again["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
}

#[sqlx::test]
async fn after_a_write_the_writing_process_never_serves_the_old_body(pool: PgPool) {
    let app = TestApp::spawn_with(pool, settings()).await;
    listening(&app.client, &app.base).await;
    let (token, _) = keys::create(&app.pool, "cache-editor", Scope::Write)
        .await
        .unwrap();
    let item = format!("/v1/claims/{CLAIM}");
    let list = "/v1/claims?claimant=pakistan&limit=200";
    for round in 0..5 {
        // Warm both URLs, with their ETags.
        let (_, item_headers, _) = fetch(&app.client, &app.base, &item, &[]).await;
        let (_, list_headers, _) = fetch(&app.client, &app.base, list, &[]).await;
        let old = item_headers["etag"].to_str().unwrap().to_owned();
        let statement = format!("Pakistan said 133 Taliban fighters were killed (round {round}).");
        let version = patch_statement(&app, &token, &statement).await;

        let (status, h, body) =
            fetch(&app.client, &app.base, &item, &[("if-none-match", &old)]).await;
        assert_eq!(status, 200, "round {round}: the old ETag must not match");
        assert_ne!(h["etag"].to_str().unwrap(), old);
        assert_eq!(h["durand-dataset-version"], version.to_string().as_str());
        let claim: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(claim["statement"], statement.as_str(), "round {round}");

        let (_, h, body) = fetch(&app.client, &app.base, list, &[]).await;
        assert_ne!(h["etag"], list_headers["etag"], "round {round}");
        let page: Value = serde_json::from_slice(&body).unwrap();
        let listed = page["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == CLAIM)
            .expect("the claim is listed");
        assert_eq!(listed["statement"], statement.as_str(), "round {round}");
    }
}

#[sqlx::test]
async fn a_write_on_one_process_reaches_another_within_one_notification(pool: PgPool) {
    let writer = TestApp::spawn_with(pool.clone(), settings()).await;
    let (token, _) = keys::create(&writer.pool, "cache-editor", Scope::Write)
        .await
        .unwrap();
    // Another process on the same database, re-reading the version only every ten minutes.
    let ttl = NO_TTL_MS.to_string();
    let other = ServerProcess::start(
        &database_url(&pool).await,
        &[
            ("DURAND_STAMP_TTL_MS", ttl.as_str()),
            ("DURAND_RATE_LIMIT_PER_MINUTE", "0"),
        ],
    )
    .await;
    let client = reqwest::Client::new();
    listening(&client, &other.base).await;
    let item = format!("/v1/claims/{CLAIM}");
    for round in 0..3 {
        let (_, before, _) = fetch(&client, &other.base, &item, &[]).await;
        let (_, cached, _) = fetch(&client, &other.base, &item, &[]).await;
        assert_eq!(before["etag"], cached["etag"]);
        let statement = format!("Pakistan said 133 Taliban fighters were killed ({round}).");
        let version = patch_statement(&writer, &token, &statement).await;
        let written = Instant::now();
        let deadline = written + Duration::from_secs(5);
        loop {
            let (_, h, body) = fetch(&client, &other.base, &item, &[]).await;
            let claim: Value = serde_json::from_slice(&body).unwrap();
            if claim["statement"] == statement.as_str() {
                assert_eq!(h["durand-dataset-version"], version.to_string().as_str());
                assert_ne!(h["etag"], before["etag"]);
                break;
            }
            assert!(
                Instant::now() < deadline,
                "round {round}: the other process still serves version {:?}",
                h["durand-dataset-version"]
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        eprintln!(
            "round {round}: seen on the other process after {:?}",
            written.elapsed()
        );
    }
}

#[sqlx::test]
async fn a_lost_listener_reconnects_and_keeps_the_process_current(pool: PgPool) {
    let reader = TestApp::spawn_with(pool.clone(), settings()).await;
    listening(&reader.client, &reader.base).await;
    let listener_pid = || async {
        sqlx::query_scalar::<_, i32>(
            "select pid from pg_stat_activity
             where datname = current_database() and application_name = 'durand-listener'
               and state = 'idle' and query ilike 'listen%'",
        )
        .fetch_all(&pool)
        .await
        .unwrap()
    };
    let first = listener_pid().await;
    assert_eq!(first.len(), 1, "one listener connection");
    let terminated: bool = sqlx::query_scalar("select pg_terminate_backend($1)")
        .bind(first[0])
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(terminated);
    // It comes back on a new connection, listening again.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let now = listener_pid().await;
        if now.len() == 1 && now != first {
            break;
        }
        assert!(Instant::now() < deadline, "the listener did not reconnect");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    listening(&reader.client, &reader.base).await;
    // A write by another process after the reconnection still reaches this one.
    let writer = TestApp::serve_on(
        std::net::TcpListener::bind("127.0.0.1:0").unwrap(),
        pool.clone(),
        settings(),
    );
    let (token, _) = keys::create(&writer.pool, "cache-editor", Scope::Write)
        .await
        .unwrap();
    let item = format!("/v1/claims/{CLAIM}");
    fetch(&reader.client, &reader.base, &item, &[]).await;
    let statement = "Pakistan said 133 Taliban fighters were killed (after a reconnection).";
    patch_statement(&writer, &token, statement).await;
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let (_, _, body) = fetch(&reader.client, &reader.base, &item, &[]).await;
        let claim: Value = serde_json::from_slice(&body).unwrap();
        if claim["statement"] == statement {
            break;
        }
        assert!(Instant::now() < deadline, "the reader never saw the write");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[sqlx::test]
async fn without_a_listener_no_version_is_trusted_and_the_cache_is_bypassed(pool: PgPool) {
    let dataset = durand::domain::Dataset::bundled().unwrap();
    durand::store::import::import_dataset(&pool, &dataset)
        .await
        .unwrap();
    let stamps = actix_web::web::Data::new(DatasetStamp::new(Duration::from_secs(600)));
    let router = ReadRouter::new(&Pools::single(pool.clone()), stamps.clone());
    let route = router.route(None).await;
    assert_eq!(route.stamp.as_ref().map(|s| s.version), Some(1));
    assert_eq!(route.cache_version, None, "not listening: not trusted");

    stamps.set_listening(true);
    assert_eq!(
        stamps.trusted_version(),
        None,
        "forgotten when listening began"
    );
    assert_eq!(router.route(None).await.cache_version, Some(1));
    assert_eq!(stamps.trusted_version(), Some(1));

    stamps.set_listening(false);
    assert_eq!(stamps.trusted_version(), None);
    let route = router.route(None).await;
    assert_eq!(route.cache_version, None, "the listener went down");
    assert_eq!(route.stamp.map(|s| s.version), Some(1), "still served");

    // A notification (here, by hand) makes the next read fetch the new version.
    stamps.set_listening(true);
    assert_eq!(router.route(None).await.cache_version, Some(1));
    sqlx::query("update dataset_meta set version = 2")
        .execute(&pool)
        .await
        .unwrap();
    stamps.invalidate();
    assert_eq!(router.route(None).await.cache_version, Some(2));
}

#[sqlx::test]
async fn the_cache_never_holds_more_than_its_byte_bound(pool: PgPool) {
    const BOUND: u64 = 16 * 1024;
    let mut settings = settings();
    settings.cache_bytes = BOUND;
    let app = TestApp::spawn_with(pool, settings).await;
    listening(&app.client, &app.base).await;
    // Every claim and actor read twice: far more kept-size responses than the bound holds.
    let mut offered = 0;
    for collection in ["claims", "actors"] {
        for id in app.ids(&format!("/v1/{collection}?limit=200")).await {
            for _ in 0..2 {
                let path = format!("/v1/{collection}/{id}");
                let (status, _, body) = fetch(&app.client, &app.base, &path, &[]).await;
                assert_eq!(status, 200);
                offered += body.len();
            }
        }
    }
    assert!(offered as u64 > 2 * BOUND, "only {offered} bytes offered");
    let page = metrics_page(&app.client, &app.base).await;
    let held = metric(&page, "durand_response_cache_bytes").unwrap();
    assert!(held > 0.0, "nothing was kept");
    assert!(held <= BOUND as f64, "{held} bytes held, bound {BOUND}");
    assert!(lookups(&app.client, &app.base, "hit").await >= 1.0);
}
