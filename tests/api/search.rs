//! `GET /v1/search`: full-text search across actors, claims, incidents and sources.

use std::collections::BTreeSet;

use serde_json::Value;
use sqlx::PgPool;

use crate::helpers::TestApp;

/// The hits of the first page of `path`.
async fn hits(app: &TestApp, path: &str) -> Vec<Value> {
    app.get_ok(path).await["data"].as_array().unwrap().clone()
}

/// `type/id` of each hit.
fn keys(hits: &[Value]) -> Vec<String> {
    hits.iter()
        .map(|h| {
            format!(
                "{}/{}",
                h["type"].as_str().unwrap(),
                h["id"].as_str().unwrap()
            )
        })
        .collect()
}

#[sqlx::test]
async fn bajaur_finds_the_bajaur_assault_first_among_incidents(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let all = hits(&app, "/v1/search?q=Bajaur").await;
    let first_incident = all.iter().find(|h| h["type"] == "incident").unwrap();
    assert_eq!(first_incident["id"], "bajaur-assault-2026");
    assert_eq!(first_incident["url"], "/v1/incidents/bajaur-assault-2026");
    assert_eq!(
        first_incident["title"],
        "Assault in Bajaur, claimed by the TTP"
    );
    let snippet = first_incident["snippet"].as_str().unwrap();
    assert!(snippet.contains("<mark>Bajaur</mark>"), "{snippet}");
    // The incident's title names Bajaur: it ranks above the claims that mention it.
    assert_eq!(all[0]["id"], "bajaur-assault-2026");

    let claim = all
        .iter()
        .find(|h| h["id"] == "ttp-claimed-bajaur-assault")
        .unwrap();
    assert_eq!(claim["type"], "claim");
    assert_eq!(claim["url"], "/v1/claims/ttp-claimed-bajaur-assault");
    assert_eq!(
        claim["title"],
        "Tehreek-e-Taliban Pakistan: The TTP claimed the assault in Bajaur."
    );
    assert_eq!(
        claim["snippet"],
        "The TTP claimed the assault in <mark>Bajaur</mark>."
    );
    for hit in &all {
        let fields: BTreeSet<&str> = hit
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        assert_eq!(
            fields,
            BTreeSet::from(["type", "id", "title", "snippet", "url"])
        );
        assert!(hit["snippet"].as_str().unwrap().contains("<mark>"), "{hit}");
        // The url serves the record.
        let record = app.get_ok(hit["url"].as_str().unwrap()).await;
        assert_eq!(record["id"], hit["id"]);
    }
}

#[sqlx::test]
async fn a_quoted_phrase_finds_the_pakistani_taliban(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let found = hits(&app, "/v1/search?q=%22Pakistani%20Taliban%22").await;
    assert_eq!(keys(&found)[0], "actor/ttp");
    let ttp = &found[0];
    assert_eq!(ttp["title"], "Tehreek-e-Taliban Pakistan");
    assert_eq!(ttp["url"], "/v1/actors/ttp");
    let snippet = ttp["snippet"].as_str().unwrap();
    assert!(
        snippet.contains("<mark>Pakistani</mark> <mark>Taliban</mark>"),
        "{snippet}"
    );
    // Words match in any form: "strike" finds the strikes.
    let strikes = keys(&hits(&app, "/v1/search?q=strike&type=incident").await);
    assert!(strikes.contains(&"incident/pakistan-strikes-on-taliban-2026-02-27".to_owned()));
}

#[sqlx::test]
async fn the_type_filter_keeps_one_kind_of_record(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    assert_eq!(
        keys(&hits(&app, "/v1/search?q=Bajaur&type=incident").await),
        ["incident/bajaur-assault-2026"]
    );
    let actors = hits(&app, "/v1/search?q=taliban&type=actor").await;
    assert!(actors.iter().all(|h| h["type"] == "actor"));
    let actors = keys(&actors);
    assert!(actors.contains(&"actor/afghan-taliban".to_owned()));
    assert!(actors.contains(&"actor/ttp".to_owned()));
    let sources = hits(&app, "/v1/search?q=explainer&type=source").await;
    assert_eq!(sources.len(), 3);
    for s in &sources {
        assert_eq!(s["type"], "source");
        assert!(s["url"].as_str().unwrap().starts_with("/v1/sources/"));
    }
    // Each type's hits are the ones the unfiltered search finds, in the same order.
    let all = keys(&hits(&app, "/v1/search?q=taliban&limit=500").await);
    let claims = keys(&hits(&app, "/v1/search?q=taliban&type=claim&limit=500").await);
    let expected: Vec<String> = all
        .iter()
        .filter(|k| k.starts_with("claim/"))
        .cloned()
        .collect();
    assert_eq!(claims, expected);
}

#[sqlx::test]
async fn walking_search_hits_two_at_a_time_returns_every_hit_once_in_order(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    for q in ["taliban", "pakistan", "Bajaur"] {
        let all = keys(&hits(&app, &format!("/v1/search?q={q}&limit=500")).await);
        assert!(all.len() > 3, "{q}: {all:?}");
        let walked = keys(&app.walk(&format!("/v1/search?q={q}"), 2).await);
        assert_eq!(walked, all, "q={q}");
        assert_eq!(walked.iter().collect::<BTreeSet<_>>().len(), walked.len());
    }
}

#[sqlx::test]
async fn a_search_that_matches_nothing_is_an_empty_page(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    // No such word, and a query of stop words only.
    for q in ["zyzzogeton", "the"] {
        let r = app.get(&format!("/v1/search?q={q}")).await;
        assert_eq!(r.status, 200, "{q}: {}", r.body);
        assert_eq!(r.body["data"], serde_json::json!([]));
        assert_eq!(r.body["meta"]["count"], 0);
        assert_eq!(r.body["meta"]["next_cursor"], Value::Null);
    }
}

#[sqlx::test]
async fn an_empty_blank_missing_or_overlong_q_is_a_400_naming_q(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let detail = app.get("/v1/search?q=").await.assert_bad_parameter("q");
    assert!(detail.contains("1 to 200 characters"), "{detail}");
    app.get("/v1/search?q=%20%20")
        .await
        .assert_bad_parameter("q");
    let detail = app.get("/v1/search").await.assert_bad_parameter("q");
    assert_eq!(detail, "is required");
    let long = "a".repeat(201);
    app.get(&format!("/v1/search?q={long}"))
        .await
        .assert_bad_parameter("q");
    let longest = "a".repeat(200);
    assert_eq!(
        app.get(&format!("/v1/search?q={longest}")).await.status,
        200
    );
}

#[sqlx::test]
async fn bad_search_cursors_types_and_unknown_parameters_are_400_problems(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.get("/v1/search?q=taliban&cursor=not-a-cursor")
        .await
        .assert_bad_parameter("cursor");
    // A timeline cursor is not a search cursor.
    let timeline = app.get_ok("/v1/timeline?limit=1").await;
    let cursor = timeline["meta"]["next_cursor"].as_str().unwrap();
    app.get(&format!("/v1/search?q=taliban&cursor={cursor}"))
        .await
        .assert_bad_parameter("cursor");
    let detail = app
        .get("/v1/search?q=taliban&type=person")
        .await
        .assert_bad_parameter("type");
    assert!(detail.contains("`incident`"), "{detail}");
    let detail = app
        .get("/v1/search?q=taliban&sort=rank")
        .await
        .assert_bad_parameter("sort");
    assert!(
        detail.contains("`q`") && detail.contains("`type`"),
        "{detail}"
    );
    app.get("/v1/search?q=taliban&limit=501")
        .await
        .assert_bad_parameter("limit");
}
