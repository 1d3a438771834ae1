//! Rate limiting (per client address, `RateLimit-*` headers, 429 problems) and the
//! Prometheus `/metrics` exposition, against the real server.

use durand::config::{RateLimitSettings, ServerSettings};
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::helpers::{Reply, TestApp, metric, reply};

const CLAIM: &str = "/v1/claims/pakistan-claims-133-taliban-killed";

/// Server settings with this rate limit and these trusted proxies.
fn limited(per_minute: u32, burst: u32, trusted_proxies: &[&str]) -> ServerSettings {
    ServerSettings {
        rate_limit: RateLimitSettings {
            per_minute,
            burst,
            trusted_proxies: trusted_proxies
                .iter()
                .map(|ip| ip.parse().expect("an IP address"))
                .collect(),
            ..RateLimitSettings::default()
        },
        ..ServerSettings::default()
    }
}

/// A header parsed as a whole number; panics when it is missing or not a number.
fn number(r: &Reply, name: &str) -> u64 {
    let value = r
        .headers
        .get(name)
        .unwrap_or_else(|| panic!("no `{name}` header: {:?}", r.headers));
    value
        .to_str()
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("`{name}` is not a whole number: {value:?}"))
}

/// GETs `path` with an `X-Forwarded-For` header.
async fn get_forwarded(app: &TestApp, path: &str, forwarded_for: &str) -> Reply {
    let response = app
        .client
        .get(format!("{}{path}", app.base))
        .header("x-forwarded-for", forwarded_for)
        .send()
        .await
        .expect("request");
    reply(response).await
}

#[sqlx::test]
async fn past_the_burst_a_client_gets_a_429_problem_with_retry_after(pool: PgPool) {
    // 6 a minute: one request back every 10 s, so the test cannot refill by being slow.
    let app = TestApp::spawn_with(pool, limited(6, 3, &[])).await;
    for expected_remaining in [2, 1, 0] {
        let r = app.get("/v1/dataset").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(number(&r, "ratelimit-limit"), 3);
        assert_eq!(number(&r, "ratelimit-remaining"), expected_remaining);
        let reset = number(&r, "ratelimit-reset");
        assert!((1..=30).contains(&reset), "reset {reset}");
        assert_eq!(
            r.headers["ratelimit-policy"],
            r#"6;w=60;burst=3;policy="anonymous""#
        );
    }

    let r = app.get("/v1/dataset").await;
    let problem = r.assert_problem(429);
    assert_eq!(problem["title"], "Too Many Requests");
    let retry_after = number(&r, "retry-after");
    assert!((1..=10).contains(&retry_after), "retry-after {retry_after}");
    assert_eq!(number(&r, "ratelimit-limit"), 3);
    assert_eq!(number(&r, "ratelimit-remaining"), 0);
    assert!(number(&r, "ratelimit-reset") >= retry_after);
    assert_eq!(
        r.headers["ratelimit-policy"],
        r#"6;w=60;burst=3;policy="anonymous""#
    );
    // The limit applies per client, not per route.
    app.get(CLAIM).await.assert_problem(429);
}

#[sqlx::test]
async fn health_checks_and_metrics_are_never_limited(pool: PgPool) {
    let app = TestApp::spawn_with(pool, limited(6, 1, &[])).await;
    assert_eq!(app.get("/v1/dataset").await.status, StatusCode::OK);
    app.get("/v1/dataset").await.assert_problem(429);
    for _ in 0..5 {
        for path in ["/healthz", "/readyz", "/metrics"] {
            let r = app.get(path).await;
            assert_eq!(r.status, StatusCode::OK, "GET {path}: {}", r.body);
            assert!(
                r.headers.get("ratelimit-remaining").is_none(),
                "{path} carries rate limit headers"
            );
        }
    }
}

#[sqlx::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_allowance(pool: PgPool) {
    let app = TestApp::spawn_with(pool, limited(6, 2, &["127.0.0.1"])).await;
    for remaining in [1, 0] {
        let r = get_forwarded(&app, "/v1/dataset", "203.0.113.1").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(number(&r, "ratelimit-remaining"), remaining);
    }
    get_forwarded(&app, "/v1/dataset", "203.0.113.1")
        .await
        .assert_problem(429);

    // Another client behind the same proxy starts with a full allowance.
    let r = get_forwarded(&app, "/v1/dataset", "203.0.113.2").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(number(&r, "ratelimit-remaining"), 1);

    // The client controls the left of the list, the proxy appends the real address on the
    // right: prepending another address does not escape the limit.
    get_forwarded(&app, "/v1/dataset", "198.51.100.50, 203.0.113.1")
        .await
        .assert_problem(429);
    // Trusted proxies in the chain are skipped; the hop before them is the client.
    get_forwarded(&app, "/v1/dataset", "203.0.113.1, 127.0.0.1")
        .await
        .assert_problem(429);
}

#[sqlx::test]
async fn without_trusted_proxies_x_forwarded_for_is_ignored(pool: PgPool) {
    let app = TestApp::spawn_with(pool, limited(6, 2, &[])).await;
    for (client, remaining) in [("203.0.113.1", 1), ("203.0.113.2", 0)] {
        let r = get_forwarded(&app, "/v1/dataset", client).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(number(&r, "ratelimit-remaining"), remaining);
    }
    get_forwarded(&app, "/v1/dataset", "203.0.113.3")
        .await
        .assert_problem(429);
}

#[sqlx::test]
async fn metrics_show_route_templates_latency_pool_and_dataset(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.get_ok(CLAIM).await;
    app.get_ok("/v1/claims/taliban-claim-55-pakistani-soldiers-killed")
        .await;
    app.get("/v1/claims/no-such-claim")
        .await
        .assert_problem(404);
    app.get("/no/such/path").await.assert_problem(404);

    let r = app.get("/metrics").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.content_type().starts_with("text/plain"),
        "{}",
        r.content_type()
    );
    let text = r.body.as_str().expect("a text body");
    let has = |line: &str| {
        assert!(
            text.lines().any(|l| l == line),
            "no line `{line}` in:\n{text}"
        );
    };
    has(r#"durand_http_requests_total{method="GET",route="/v1/claims/{id}",status="200"} 2"#);
    has(r#"durand_http_requests_total{method="GET",route="/v1/claims/{id}",status="404"} 1"#);
    has(r#"durand_http_requests_total{method="GET",route="unmatched",status="404"} 1"#);
    has(r#"durand_http_request_duration_seconds_count{method="GET",route="/v1/claims/{id}"} 3"#);
    assert!(
        text.contains(r#"durand_http_request_duration_seconds_bucket{method="GET",route="/v1/claims/{id}",le="5"} 3"#),
        "{text}"
    );
    assert!(text.contains(r#"durand_db_pool_connections{state="idle"} "#));
    assert!(text.contains(r#"durand_db_pool_connections{state="in_use"} "#));
    has(r#"durand_dataset_info{version="1"} 1"#);
    has(&format!(
        r#"durand_build_info{{version="{}"}} 1"#,
        env!("CARGO_PKG_VERSION")
    ));
    // Raw paths never become labels.
    assert!(!text.contains("pakistan-claims-133"), "{text}");
    assert!(!text.contains("/no/such/path"), "{text}");
}

#[sqlx::test]
async fn zero_per_minute_means_never_limited(pool: PgPool) {
    let app = TestApp::spawn_with(pool, limited(0, 1, &[])).await;
    for _ in 0..20 {
        let r = app.get("/v1/dataset").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.headers.get("ratelimit-limit").is_none());
    }
}

#[sqlx::test]
async fn readyz_pings_the_database_at_most_once_a_second_however_often_it_is_asked(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let checks = || async {
        let page = app
            .request(reqwest::Method::GET, "/metrics")
            .await
            .text()
            .await
            .unwrap();
        metric(&page, "durand_readiness_checks_total").unwrap_or(0.0) as u64
    };
    let before = checks().await;
    let started = std::time::Instant::now();
    let asks = 200;
    let answers = futures_util::future::join_all(
        (0..asks).map(|_| app.request(reqwest::Method::GET, "/readyz")),
    )
    .await;
    assert!(answers.iter().all(|r| r.status() == 200));
    let seconds = started.elapsed().as_secs();
    let after = checks().await;
    // One check per started second at the most (whatever the machine's speed), never one
    // per request.
    assert!(after > before, "the first ask checks");
    assert!(
        after - before <= seconds + 1,
        "{} checks for {asks} asks in {seconds} s",
        after - before
    );
}
