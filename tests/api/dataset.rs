use sqlx::PgPool;

use crate::helpers::TestApp;

#[sqlx::test]
async fn the_dataset_reports_its_version_licence_citation_and_counts(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let body = app.get_ok("/v1/dataset").await;
    assert_eq!(body["release"], "2");
    assert_eq!(body["version"], 1, "the bundled load is dataset version 1");
    assert_eq!(body["licence"], "CC-BY-4.0");
    let citation = body["citation"].as_str().unwrap();
    assert!(citation.contains("release 2"), "{citation}");
    assert!(
        citation.contains("known only as that explainer cites them"),
        "{citation}"
    );
    assert!(
        body["release_notes"]
            .as_str()
            .is_some_and(|n| n.contains("own voice")),
        "{body}"
    );
    assert_eq!(
        body["counts"],
        serde_json::json!({"actors": 16, "sources": 3, "claims": 28, "incidents": 10, "force_figures": 10})
    );
}

#[sqlx::test]
async fn the_served_spec_is_the_committed_spec(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let response = app.request(reqwest::Method::GET, "/v1/openapi.json").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let served = response.text().await.unwrap();
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
            .unwrap();
    assert!(
        served == committed,
        "served spec differs from openapi/openapi.json; run `make spec`"
    );
    let spec: serde_json::Value = serde_json::from_str(&served).unwrap();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3.1"));
}

#[sqlx::test]
async fn health_readiness_and_docs_answer(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    assert_eq!(app.get_ok("/healthz").await["status"], "ok");
    assert_eq!(app.get_ok("/readyz").await["status"], "ready");
    let docs = app.request(reqwest::Method::GET, "/docs/").await;
    assert_eq!(docs.status(), 200);
    assert!(docs.text().await.unwrap().contains("swagger"));
    let docs_spec = app.get_ok("/docs/openapi.json").await;
    assert_eq!(docs_spec["info"]["title"], "Durand");
}

#[sqlx::test]
async fn readiness_fails_when_the_database_is_gone(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.pool.close().await;
    let r = app.get("/readyz").await;
    r.assert_problem(503);
    assert!(r.headers.contains_key("retry-after"));
    assert_eq!(app.get_ok("/healthz").await["status"], "ok");
}

#[sqlx::test]
async fn the_request_id_is_echoed_or_made(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let echoed = app
        .client
        .get(format!("{}/v1/dataset", app.base))
        .header("x-request-id", "newsroom-42")
        .send()
        .await
        .unwrap();
    assert_eq!(echoed.headers()["x-request-id"], "newsroom-42");
    let made = app.get("/v1/nope").await;
    let id = made.headers["x-request-id"].to_str().unwrap();
    assert_eq!(id.len(), 36, "a UUID: {id}");
}

#[sqlx::test]
async fn head_is_answered_like_get_without_a_body(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let r = app.request(reqwest::Method::HEAD, "/v1/actors").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/json");
    assert!(r.text().await.unwrap().is_empty());
}
