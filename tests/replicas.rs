//! Read replicas against a real primary and a real streaming replica: run it with
//! `scripts/with-replica cargo test --test replicas` (`make test-replicas`), which exports
//! `DATABASE_URL` (the primary) and `DATABASE_READ_URL` (the replica). Without
//! `DATABASE_READ_URL` the test skips, and says so.
//!
//! Two Durand servers share both pools, as two processes behind a load balancer would: a
//! write through one is read through the other. Replay on the standby is paused around the
//! write, so the replica provably lags while the read-your-writes reads are made.

use std::net::TcpListener;
use std::str::FromStr;
use std::time::{Duration, Instant};

use durand::config::ServerSettings;
use durand::replicas::Pools;
use durand::startup::Application;
use durand::store::keys::{self, Scope};
use durand::{commands, store};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sqlx::PgPool;
use sqlx::postgres::PgConnectOptions;

const CLAIM: &str = "replica-test-claim";

/// How long the replica may take to show a write once replay resumes.
const CONVERGE: Duration = Duration::from_secs(10);

fn pool(url: &str) -> PgPool {
    store::connect(
        PgConnectOptions::from_str(url).expect("a PostgreSQL URL"),
        5,
    )
}

/// A server over both pools on a random port, rate limiting off.
fn serve(pools: &Pools) -> String {
    let mut settings = ServerSettings {
        workers: Some(1),
        ..ServerSettings::default()
    };
    settings.rate_limit.per_minute = 0;
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let app = Application::with_listener(listener, &settings, pools.clone()).expect("build");
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    base
}

/// A response's status, `Durand-Dataset-Version` and JSON body.
struct Got {
    status: StatusCode,
    version: Option<i64>,
    content_type: String,
    body: Value,
}

async fn get(client: &reqwest::Client, url: &str, version: Option<&str>) -> Got {
    let mut req = client.get(url);
    if let Some(v) = version {
        req = req.header("Durand-Dataset-Version", v);
    }
    let res = req.send().await.expect("request");
    let header = |name: &str| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let version = header("durand-dataset-version").map(|v| v.parse().expect("a version"));
    let content_type = header("content-type").unwrap_or_default();
    Got {
        status: res.status(),
        version,
        content_type,
        body: res.json().await.unwrap_or(Value::Null),
    }
}

/// The replica's replayed dataset version.
async fn replica_version(replica: &PgPool) -> i64 {
    sqlx::query_scalar("select coalesce(max(version), 0) from dataset_meta")
        .fetch_one(replica)
        .await
        .expect("replica version")
}

/// Polls `done` every 50 ms until it holds, for at most `limit`; how long it took.
async fn within<F, Fut>(limit: Duration, what: &str, mut done: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let start = Instant::now();
    while !done().await {
        assert!(start.elapsed() < limit, "{what}: not within {limit:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    start.elapsed()
}

#[tokio::test]
async fn a_write_through_one_server_is_read_through_another_from_the_replica_or_the_primary() {
    let (Ok(primary_url), Ok(replica_url)) = (
        std::env::var("DATABASE_URL"),
        std::env::var("DATABASE_READ_URL"),
    ) else {
        eprintln!(
            "SKIP: DATABASE_URL and DATABASE_READ_URL must name a primary and its streaming \
             replica; run `scripts/with-replica cargo test --test replicas`"
        );
        return;
    };
    let primary = pool(&primary_url);
    let replica = pool(&replica_url);
    assert!(
        sqlx::query_scalar::<_, bool>("select pg_is_in_recovery()")
            .fetch_one(&replica)
            .await
            .expect("replica answers"),
        "DATABASE_READ_URL is not a standby"
    );
    store::migrate(&primary).await.expect("migrate");
    commands::load_bundled_release(&primary)
        .await
        .expect("load the dataset");
    let loaded: i64 = sqlx::query_scalar("select version from dataset_meta")
        .fetch_one(&primary)
        .await
        .expect("primary version");
    within(CONVERGE, "the replica replays the load", || async {
        replica_version(&replica).await >= loaded
    })
    .await;

    let pools = Pools {
        primary: primary.clone(),
        replica: Some(replica.clone()),
    };
    let (a, b) = (serve(&pools), serve(&pools));
    let client = reqwest::Client::new();
    let (token, _) = keys::create(&primary, "replica-test-editor", Scope::Write)
        .await
        .expect("key");

    // Both servers answer reads, and are ready (both pools answer).
    for base in [&a, &b] {
        let ready = get(&client, &format!("{base}/readyz"), None).await;
        assert_eq!(ready.status, StatusCode::OK, "{}", ready.body);
    }

    // The replica stops replaying: from here it provably lags behind the primary.
    sqlx::query("select pg_wal_replay_pause()")
        .execute(&replica)
        .await
        .expect("pause replay");
    within(Duration::from_secs(5), "replay pauses", || async {
        sqlx::query_scalar::<_, String>("select pg_get_wal_replay_pause_state()")
            .fetch_one(&replica)
            .await
            .is_ok_and(|s| s == "paused")
    })
    .await;
    let before = replica_version(&replica).await;

    let write = client
        .post(format!("{a}/v1/claims"))
        .bearer_auth(&token)
        .json(&json!({
            "id": CLAIM, "claimant": "pakistan", "spokesperson": null,
            "made_at": "2026-03-01", "made_at_note": null, "kind": "casualties",
            "statement": "Pakistan said a further strike killed at least 12 fighters.",
            "quote": null, "about": ["afghan-taliban"], "incident": null,
            "status": "unverified", "status_note": null,
            "figures": [{"metric": "killed", "value": 12, "qualifier": "at_least",
                         "unit": "people", "subject": "fighters", "text": "at least 12",
                         "note": null}],
            "contradicted_by": [], "sources": ["explainer-2026-02-27"]
        }))
        .send()
        .await
        .expect("write");
    assert_eq!(write.status(), StatusCode::CREATED);
    let written: i64 = write
        .headers()
        .get("durand-dataset-version")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("the write's Durand-Dataset-Version");
    assert!(written > before, "{written} <= {before}");
    let url = format!("{b}/v1/claims/{CLAIM}");

    // A plain read through B comes from the lagging replica: not there yet, and its headers
    // name the replica's version, not the primary's.
    let plain = get(&client, &url, None).await;
    assert_eq!(plain.status, StatusCode::NOT_FOUND, "{}", plain.body);
    let listed = get(&client, &format!("{b}/v1/claims?limit=500"), None).await;
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(
        listed.version,
        Some(before),
        "a replica read names the replica's version"
    );
    assert!(
        !listed.body["data"]
            .as_array()
            .expect("a page")
            .iter()
            .any(|c| c["id"] == CLAIM)
    );

    // Read-your-writes: the version the write answered with is read from the primary.
    let mine = get(&client, &url, Some(&written.to_string())).await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
    assert_eq!(mine.body["id"], CLAIM);
    assert!(
        mine.version.is_some_and(|v| v >= written),
        "{:?}",
        mine.version
    );
    // A version the replica has is still served by it.
    let older = get(&client, &url, Some(&before.to_string())).await;
    assert_eq!(older.status, StatusCode::NOT_FOUND);
    assert_eq!(older.version, Some(before));

    // A past version the replica has not replayed is read from the primary.
    let as_of = get(&client, &format!("{url}?as_of={written}"), None).await;
    assert_eq!(as_of.status, StatusCode::OK, "{}", as_of.body);
    assert_eq!(as_of.body["id"], CLAIM);
    assert_eq!(as_of.version, Some(written));
    // So is the change feed from a version only the primary has (the replica would call
    // `since` out of range); from one the replica has, the replica serves it.
    let feed = get(&client, &format!("{b}/v1/changes?since={written}"), None).await;
    assert_eq!(feed.status, StatusCode::OK, "{}", feed.body);
    assert_eq!(feed.body["meta"]["latest_version"], written);
    assert_eq!(feed.version, Some(written));
    let feed = get(&client, &format!("{b}/v1/changes?since={before}"), None).await;
    assert_eq!(feed.status, StatusCode::OK, "{}", feed.body);
    assert_eq!(feed.body["meta"]["latest_version"], before);
    assert_eq!(feed.version, Some(before));

    // A malformed header is the client's 400 problem, whichever pool would have served it.
    for bad in ["soon", "-1", "1.5"] {
        let got = get(&client, &url, Some(bad)).await;
        assert_eq!(got.status, StatusCode::BAD_REQUEST, "{bad}: {}", got.body);
        assert_eq!(got.content_type, "application/problem+json");
        assert_eq!(got.body["errors"][0]["parameter"], "Durand-Dataset-Version");
    }

    // Replay resumes: the plain read through B converges on the write.
    sqlx::query("select pg_wal_replay_resume()")
        .execute(&replica)
        .await
        .expect("resume replay");
    let lag = within(CONVERGE, "the replica shows the write", || async {
        get(&client, &url, None).await.status == StatusCode::OK
    })
    .await;
    let converged = get(&client, &url, None).await;
    assert_eq!(converged.body["id"], CLAIM);
    // The headers follow within the stamp's cache lifetime (2 s): until then they name an
    // older version, never a newer one than the body shows.
    let stamped = within(CONVERGE, "the replica's stamp names the write", || async {
        get(&client, &url, None)
            .await
            .version
            .is_some_and(|v| v >= written)
    })
    .await;
    assert!(replica_version(&replica).await >= written);
    eprintln!(
        "replica showed the write {lag:?} after replay resumed; its headers named it {:?} later",
        stamped
    );
}
