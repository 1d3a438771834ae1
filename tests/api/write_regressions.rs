//! Regressions the contract stage (schemathesis and the SDK programs, `make contract`) found
//! in the writes.

use durand::store::keys::{self, Scope};
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::helpers::{TestApp, reply};

const INCIDENT: &str = "pakistan-strikes-on-taliban-2026-02-27";

/// An incident's stored document keeps its derived `claims` list (empty); a patch used to merge
/// into it and then fail its own schema check (422 "has fields this record does not have:
/// claims"), so no incident could be patched.
#[sqlx::test]
async fn an_incident_can_be_patched(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (token, _) = keys::create(&app.pool, "regression", Scope::Write)
        .await
        .unwrap();
    let read = app
        .request(reqwest::Method::GET, &format!("/v1/incidents/{INCIDENT}"))
        .await;
    let etag = read.headers()["etag"].to_str().unwrap().to_owned();
    let claims = read.json::<Value>().await.unwrap()["claims"].clone();
    assert!(!claims.as_array().unwrap().is_empty(), "claims name it");

    let patched = reply(
        app.client
            .patch(format!("{}/v1/incidents/{INCIDENT}", app.base))
            .bearer_auth(&token)
            .header("if-match", &etag)
            .header("content-type", "application/merge-patch+json")
            .body(json!({"summary": "Corrected."}).to_string())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(patched.status.as_u16(), 200, "{}", patched.body);
    assert_eq!(patched.body["summary"], "Corrected.");
    assert_eq!(
        patched.body["claims"], claims,
        "the derived list is still served"
    );
}

/// `sources` is never empty and never repeats an id; the spec says so, so that a schema-valid
/// record is not rejected for its sources.
#[test]
fn the_spec_says_sources_are_never_empty_nor_repeated() {
    let spec: Value = serde_json::from_str(&durand::openapi::spec_json()).unwrap();
    let sources = &spec["components"]["schemas"]["Sources"];
    assert_eq!(sources["minItems"], 1);
    assert_eq!(sources["uniqueItems"], true);
}

/// Year 0 does not exist, and `../0000` ended before the open start's stored day
/// (0001-01-01): a claim made "by year 0" passed the published pattern and failed the
/// database's own check, a 500 (schemathesis, stateful phase). It is a 422 at `/made_at`, and
/// year 0 is a 400 in a query.
#[sqlx::test]
async fn year_zero_is_refused_as_a_problem_in_bodies_and_queries(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (token, _) = keys::create(&app.pool, "regression", Scope::Write)
        .await
        .unwrap();
    for made_at in ["../0000", "0000", "0000-06/2016"] {
        let created = reply(
            app.client
                .post(format!("{}/v1/claims", app.base))
                .bearer_auth(&token)
                .header("content-type", "application/json")
                .body(
                    json!({
                        "claimant": "pakistan", "made_at": made_at, "kind": "trend",
                        "statement": "A statement.", "about": [], "figures": [],
                        "status": "unverified", "contradicted_by": [],
                        "sources": ["explainer-2026-02-27"], "incident": null,
                        "spokesperson": null, "status_note": null
                    })
                    .to_string(),
                )
                .send()
                .await
                .unwrap(),
        )
        .await;
        let problem = created.assert_problem(422);
        assert!(problem.to_string().contains("/made_at"), "{problem}");
    }
    for query in ["from=0000", "to=0000-12-31", "from=0000-02-29"] {
        app.get(&format!("/v1/claims?{query}"))
            .await
            .assert_problem(400);
    }
}
