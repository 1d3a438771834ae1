//! Rate limits that fit newsrooms: anonymous requests share one bucket per client address,
//! requests with an API key (any scope) draw on the key's own, larger bucket, and
//! `RateLimit-Policy` names the bucket that applied. Credentials that are no valid key are a
//! 401, never read as anonymous; keys checked on reads are cached for a TTL.

use std::time::Duration;

use durand::config::{RateLimitSettings, ServerSettings};
use durand::store::keys::{self, Scope};
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;

use crate::helpers::{Reply, TestApp, database_url, reply};

const READ: &str = "/v1/dataset";

/// Server settings with these anonymous and keyed quotas (per minute, burst); low rates, so
/// that no bucket refills while a test runs.
fn limits(anonymous: (u32, u32), keyed: (u32, u32)) -> ServerSettings {
    ServerSettings {
        rate_limit: RateLimitSettings {
            per_minute: anonymous.0,
            burst: anonymous.1,
            keyed_per_minute: keyed.0,
            keyed_burst: keyed.1,
            ..RateLimitSettings::default()
        },
        ..ServerSettings::default()
    }
}

/// GETs `path` with `Authorization: <authorization>`.
async fn get_authorized(app: &TestApp, path: &str, authorization: &str) -> Reply {
    let response = app
        .client
        .get(format!("{}{path}", app.base))
        .header("Authorization", authorization)
        .send()
        .await
        .expect("request");
    reply(response).await
}

/// GETs `path` with the bearer `token`.
async fn get_keyed(app: &TestApp, path: &str, token: &str) -> Reply {
    get_authorized(app, path, &format!("Bearer {token}")).await
}

/// A header's text; panics when it is missing.
fn header<'a>(r: &'a Reply, name: &str) -> &'a str {
    r.headers
        .get(name)
        .unwrap_or_else(|| panic!("no `{name}` header: {:?}", r.headers))
        .to_str()
        .unwrap()
}

/// A header parsed as a whole number.
fn number(r: &Reply, name: &str) -> u64 {
    header(r, name)
        .parse()
        .unwrap_or_else(|_| panic!("`{name}` is not a whole number"))
}

/// Asserts a 200 drawn on `policy` with `remaining` requests left.
fn assert_served(r: &Reply, policy: &str, remaining: u64) {
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(header(r, "ratelimit-policy"), policy);
    assert_eq!(number(r, "ratelimit-remaining"), remaining, "{policy}");
}

/// Asserts a 429 problem of `policy`, and returns its detail.
fn assert_limited(r: &Reply, policy: &str) -> String {
    let problem = r.assert_problem(429);
    assert_eq!(header(r, "ratelimit-policy"), policy);
    assert_eq!(number(r, "ratelimit-remaining"), 0);
    assert!(number(r, "retry-after") >= 1);
    problem["detail"].as_str().unwrap().to_owned()
}

/// Asserts a 401 problem with an `invalid_token` challenge, and returns its detail.
fn assert_invalid_token(r: &Reply) -> String {
    let problem = r.assert_problem(401);
    assert_eq!(
        header(r, "www-authenticate"),
        r#"Bearer realm="durand", error="invalid_token""#
    );
    assert!(
        r.headers.get("ratelimit-policy").is_none(),
        "a refused key is counted as no bucket"
    );
    problem["detail"].as_str().unwrap().to_owned()
}

const ANONYMOUS: &str = r#"6;w=60;burst=2;policy="anonymous""#;

#[sqlx::test]
async fn a_keyed_reader_has_its_own_bucket_while_its_address_is_exhausted(pool: PgPool) {
    let app = TestApp::spawn_with(pool, limits((6, 2), (6, 3))).await;
    let (token, _) = keys::create(&app.pool, "newsroom-tool", Scope::Read)
        .await
        .unwrap();

    assert_served(&app.get(READ).await, ANONYMOUS, 1);
    assert_served(&app.get(READ).await, ANONYMOUS, 0);
    let detail = assert_limited(&app.get(READ).await, ANONYMOUS);
    assert!(
        detail.contains("per client address") && detail.contains("durand keys create --scope read"),
        "the anonymous 429 says which bucket ran out and how to get a key: {detail}"
    );

    // Same address, with a key: the key's own bucket, and the header says so.
    const KEY: &str = r#"6;w=60;burst=3;policy="key""#;
    let r = get_keyed(&app, READ, &token).await;
    assert_served(&r, KEY, 2);
    assert_eq!(number(&r, "ratelimit-limit"), 3);
    assert_served(&get_keyed(&app, READ, &token).await, KEY, 1);
    // The keyed requests gave the address nothing back.
    assert_limited(&app.get(READ).await, ANONYMOUS);
}

#[sqlx::test]
async fn an_exhausted_key_leaves_its_address_and_other_keys_their_allowance(pool: PgPool) {
    let app = TestApp::spawn_with(pool, limits((6, 2), (6, 2))).await;
    let (reader, _) = keys::create(&app.pool, "reader", Scope::Read)
        .await
        .unwrap();
    let (editor, _) = keys::create(&app.pool, "editor", Scope::Write)
        .await
        .unwrap();

    const KEY: &str = r#"6;w=60;burst=2;policy="key""#;
    assert_served(&get_keyed(&app, READ, &reader).await, KEY, 1);
    assert_served(&get_keyed(&app, READ, &reader).await, KEY, 0);
    let detail = assert_limited(&get_keyed(&app, READ, &reader).await, KEY);
    assert!(detail.contains("API key"), "{detail}");

    // The address has its whole anonymous allowance, and a write key reads keyed, from a
    // bucket of its own.
    assert_served(&app.get(READ).await, ANONYMOUS, 1);
    assert_served(&get_keyed(&app, READ, &editor).await, KEY, 1);
    assert_limited(&get_keyed(&app, READ, &reader).await, KEY);
}

#[sqlx::test]
async fn a_bad_unknown_or_revoked_key_on_a_read_is_a_401_problem_not_anonymous(pool: PgPool) {
    let app = TestApp::spawn_with(pool, limits((6, 10), (6, 3))).await;
    let (revoked, _) = keys::create(&app.pool, "gone", Scope::Read).await.unwrap();
    assert_eq!(keys::revoke(&app.pool, "gone").await.unwrap(), 1);
    let made_up = format!("durand_{}", "A".repeat(43));
    assert!(keys::is_well_formed(&made_up));

    for (authorization, says) in [
        ("Basic dXNlcjpwYXNz".to_owned(), "Bearer scheme"),
        ("Bearer".to_owned(), "empty"),
        ("Bearer not-a-durand-key".to_owned(), "not a Durand API key"),
        (format!("Bearer {made_up}"), "not known"),
        (format!("Bearer {revoked}"), "revoked"),
        // Known bad now: answered from the cache, the same way.
        (format!("Bearer {made_up}"), "not known"),
        (format!("Bearer {revoked}"), "revoked"),
    ] {
        let detail = assert_invalid_token(&get_authorized(&app, READ, &authorization).await);
        assert!(detail.contains(says), "{authorization}: {detail}");
        assert!(detail.contains("reads need no key"), "{detail}");
        assert!(!detail.contains(&made_up) && !detail.contains(&revoked));
    }
    // None of them was served, or counted, as anonymous.
    assert_served(
        &app.get(READ).await,
        r#"6;w=60;burst=10;policy="anonymous""#,
        9,
    );
}

#[sqlx::test]
async fn made_up_keys_from_one_address_run_out_of_key_checks_but_good_keys_read_on(pool: PgPool) {
    let app = TestApp::spawn_with(pool, limits((6, 2), (6, 3))).await;
    let (token, _) = keys::create(&app.pool, "reader", Scope::Read)
        .await
        .unwrap();
    const KEY: &str = r#"6;w=60;burst=3;policy="key""#;
    // Checked once (one key check), then known good.
    assert_served(&get_keyed(&app, READ, &token).await, KEY, 2);

    // One key check left for this address: a made-up token spends it, the next is a 429.
    let made_up = |n: usize| format!("durand_{}", &n.to_string().repeat(43)[..43]);
    assert_invalid_token(&get_keyed(&app, READ, &made_up(1)).await);
    let detail = assert_limited(
        &get_keyed(&app, READ, &made_up(2)).await,
        r#"6;w=60;burst=2;policy="key-check""#,
    );
    assert!(detail.contains("not a valid API key"), "{detail}");

    // The good key, already checked, and the address's anonymous allowance are untouched.
    assert_served(&get_keyed(&app, READ, &token).await, KEY, 1);
    assert_served(&app.get(READ).await, ANONYMOUS, 1);
}

#[sqlx::test]
async fn a_revoked_key_stops_reading_within_the_cache_ttl_and_writing_at_once(pool: PgPool) {
    let mut settings = limits((60, 20), (60, 20));
    settings.rate_limit.key_cache_ttl_ms = 1_000;
    let app = TestApp::spawn_with(pool, settings).await;
    let (token, _) = keys::create(&app.pool, "desk", Scope::Write).await.unwrap();
    let r = get_keyed(&app, READ, &token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    assert_eq!(keys::revoke(&app.pool, "desk").await.unwrap(), 1);
    // Within the TTL the read is still served from the cache (no database lookup)...
    let r = get_keyed(&app, READ, &token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(header(&r, "ratelimit-policy").ends_with(r#"policy="key""#));
    // ...but a write checks the database every time.
    let write = app
        .client
        .post(format!("{}/v1/claims", app.base))
        .bearer_auth(&token)
        .header("Content-Type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    let detail = reply(write).await.assert_problem(401)["detail"].clone();
    assert!(detail.as_str().unwrap().contains("revoked"), "{detail}");

    tokio::time::sleep(Duration::from_millis(1_300)).await;
    let detail = assert_invalid_token(&get_keyed(&app, READ, &token).await);
    assert!(detail.contains("revoked"), "{detail}");
}

#[sqlx::test]
async fn with_keyed_limits_off_keys_read_unlimited_and_bad_ones_are_still_refused(pool: PgPool) {
    // Two key checks for the address: one for the good key, one for the made-up one.
    let app = TestApp::spawn_with(pool, limits((6, 2), (0, 0))).await;
    let (token, _) = keys::create(&app.pool, "reader", Scope::Read)
        .await
        .unwrap();
    for _ in 0..5 {
        let r = get_keyed(&app, READ, &token).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.headers.get("ratelimit-policy").is_none());
    }
    assert_invalid_token(&get_keyed(&app, READ, &format!("durand_{}", "B".repeat(43))).await);
    assert_served(&app.get(READ).await, ANONYMOUS, 1);
}

/// Runs `durand keys ...` against `url` and returns (success, stdout, stderr).
fn keys_cli(url: &str, args: &[&str]) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_durand"))
        .arg("keys")
        .args(args)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run durand");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[sqlx::test]
async fn the_cli_refuses_an_unknown_scope_and_makes_read_keys_that_read_keyed(pool: PgPool) {
    let app = TestApp::spawn_with(pool, limits((6, 2), (6, 3))).await;
    let url = database_url(&app.pool).await;
    for scope in ["reader", "READ", "none"] {
        let (ok, out, err) = keys_cli(&url, &["create", "--name", "x", "--scope", scope]);
        assert!(!ok && out.is_empty(), "scope `{scope}` accepted: {out}");
        assert!(
            err.contains("invalid value") && err.contains("read, write, admin"),
            "{err}"
        );
    }
    assert!(
        keys::list(&app.pool).await.unwrap().is_empty(),
        "a key was made"
    );

    let (ok, out, err) = keys_cli(&url, &["create", "--name", "wire-desk", "--scope", "read"]);
    assert!(ok, "{err}");
    let created: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(created["key"]["scope"], "read", "{created}");
    let token = created["token"].as_str().unwrap();
    assert_served(
        &get_keyed(&app, READ, token).await,
        r#"6;w=60;burst=3;policy="key""#,
        2,
    );
}
