//! Editors' writes over HTTP: keys, creates, merge patches, deletes, `If-Match`,
//! `Idempotency-Key`, revisions, tombstones, and no lost update under contention.

use std::collections::BTreeSet;

use durand::store::keys::{self, Scope};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::helpers::{Reply, TestApp, database_url, reply};

const CLAIM: &str = "pakistan-claims-133-taliban-killed";

/// A test app (rate limiting off: the contention test makes hundreds of requests) with a key
/// of the given scope.
async fn editor(pool: PgPool, scope: Scope) -> (TestApp, String) {
    let mut settings = durand::config::ServerSettings::default();
    settings.rate_limit.per_minute = 0;
    let app = TestApp::spawn_with(pool, settings).await;
    let (token, _) = keys::create(&app.pool, "test-editor", scope)
        .await
        .expect("key");
    (app, token)
}

/// Sends a write with a token, optional `If-Match` and a JSON body.
async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    if_match: Option<&str>,
    body: Option<Value>,
) -> Reply {
    let mut req = app.client.request(method, format!("{}{path}", app.base));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    if let Some(tag) = if_match {
        req = req.header("If-Match", tag);
    }
    if let Some(body) = body {
        req = req
            .header("Content-Type", "application/json")
            .body(body.to_string());
    }
    reply(req.send().await.expect("request")).await
}

/// POSTs a JSON body with the editor's token.
async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> Reply {
    send(app, Method::POST, path, Some(token), None, Some(body)).await
}

/// PATCHes a JSON Merge Patch with the editor's token and an optional `If-Match`.
async fn send_patch(
    app: &TestApp,
    token: &str,
    path: &str,
    if_match: Option<&str>,
    body: Value,
) -> Reply {
    send(app, Method::PATCH, path, Some(token), if_match, Some(body)).await
}

/// DELETEs with the editor's token and an optional `If-Match`.
async fn send_delete(app: &TestApp, token: &str, path: &str, if_match: Option<&str>) -> Reply {
    send(app, Method::DELETE, path, Some(token), if_match, None).await
}

/// The JSON Pointers a 422 problem lists, in order.
fn pointers(problem: &Value) -> Vec<&str> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap())
        .collect()
}

/// GETs a record and returns its body and ETag.
async fn read(app: &TestApp, path: &str) -> (Value, String) {
    let r = app.get(path).await;
    assert_eq!(r.status, StatusCode::OK, "GET {path}: {}", r.body);
    let etag = r.headers["etag"].to_str().unwrap().to_owned();
    (r.body, etag)
}

/// A valid new claim by Pakistan about the Taliban, citing the bundled source.
pub(crate) fn new_claim(id: Option<&str>) -> Value {
    let mut claim = json!({
        "claimant": "pakistan",
        "spokesperson": null,
        "made_at": "2026-03-01",
        "made_at_note": null,
        "kind": "casualties",
        "statement": "Pakistan said a further strike killed at least 12 fighters.",
        "quote": null,
        "about": ["afghan-taliban"],
        "incident": null,
        "figures": [{"metric": "killed", "value": 12, "qualifier": "at_least", "unit": "people",
                     "subject": "fighters", "text": "at least 12", "note": null}],
        "status": "unverified",
        "status_note": null,
        "contradicted_by": [],
        "sources": ["explainer-2026-02-27"]
    });
    if let Some(id) = id {
        claim["id"] = json!(id);
    }
    claim
}

async fn dataset_version(app: &TestApp) -> i64 {
    app.get_ok("/v1/dataset").await["version"].as_i64().unwrap()
}

async fn revisions(app: &TestApp, resource: &str, id: &str) -> Vec<Value> {
    app.walk(&format!("/v1/{resource}/{id}/revisions"), 100)
        .await
}

#[sqlx::test]
async fn writes_without_a_valid_writing_key_are_refused(pool: PgPool) {
    let (app, token) = editor(pool, Scope::Write).await;
    let path = "/v1/claims";

    let r = send(&app, Method::POST, path, None, None, Some(new_claim(None))).await;
    r.assert_problem(401);
    assert_eq!(r.headers["www-authenticate"], r#"Bearer realm="durand""#);

    let r = send(
        &app,
        Method::POST,
        path,
        Some("durand_nope"),
        None,
        Some(new_claim(None)),
    )
    .await;
    r.assert_problem(401);
    assert!(
        r.headers["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("invalid_token")
    );

    let basic = app
        .client
        .post(format!("{}{path}", app.base))
        .header("Authorization", "Basic dXNlcjpwYXNz")
        .send()
        .await
        .unwrap();
    reply(basic).await.assert_problem(401);

    let (read_only, _) = keys::create(&app.pool, "reader", Scope::Read)
        .await
        .unwrap();
    let r = send(
        &app,
        Method::POST,
        path,
        Some(&read_only),
        None,
        Some(new_claim(None)),
    )
    .await;
    let problem = r.assert_problem(403);
    assert!(
        problem["detail"].as_str().unwrap().contains("read"),
        "{problem}"
    );

    // Revoked: the same token that worked stops working.
    let r = send(
        &app,
        Method::POST,
        path,
        Some(&token),
        None,
        Some(new_claim(Some("c-1"))),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(keys::revoke(&app.pool, "test-editor").await.unwrap(), 1);
    let r = send(
        &app,
        Method::POST,
        path,
        Some(&token),
        None,
        Some(new_claim(Some("c-2"))),
    )
    .await;
    let problem = r.assert_problem(401);
    assert!(
        problem["detail"].as_str().unwrap().contains("revoked"),
        "{problem}"
    );

    // Nothing but the one accepted create was written, and use was recorded.
    assert_eq!(dataset_version(&app).await, 2);
    let listed = keys::list(&app.pool).await.unwrap();
    let used = listed.iter().find(|k| k.name == "test-editor").unwrap();
    assert!(used.last_used_at.is_some() && used.revoked_at.is_some());
    // Reads stay open.
    app.get_ok("/v1/claims/c-1").await;
}

#[sqlx::test]
async fn a_created_claim_is_served_with_its_etag_and_its_revision(pool: PgPool) {
    let (app, token) = editor(pool, Scope::Write).await;
    let before = dataset_version(&app).await;
    let r = send(
        &app,
        Method::POST,
        "/v1/claims",
        Some(&token),
        None,
        Some(new_claim(Some("pakistan-claims-12-killed"))),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(
        r.headers["location"],
        "/v1/claims/pakistan-claims-12-killed"
    );
    assert_eq!(r.headers["cache-control"], "no-store");
    assert_eq!(
        r.headers["durand-dataset-version"],
        (before + 1).to_string().as_str()
    );
    assert!(
        r.body["attribution"]
            .as_str()
            .unwrap()
            .starts_with("Pakistan said")
    );
    let created_etag = r.headers["etag"].to_str().unwrap().to_owned();

    let (body, etag) = read(&app, "/v1/claims/pakistan-claims-12-killed").await;
    assert_eq!(body, r.body, "the create answers with what a GET serves");
    assert_eq!(etag, created_etag, "and with the same ETag");
    assert_eq!(dataset_version(&app).await, before + 1);

    let revs = revisions(&app, "claims", "pakistan-claims-12-killed").await;
    assert_eq!(revs.len(), 1);
    assert_eq!(revs[0]["operation"], "create");
    assert_eq!(revs[0]["author"], "test-editor");
    assert_eq!(revs[0]["version"], before + 1);
    assert_eq!(revs[0]["before"], Value::Null);
    assert_eq!(revs[0]["after"]["statement"], new_claim(None)["statement"]);
    assert!(
        revs[0]["after"].get("attribution").is_none(),
        "generated fields are not stored"
    );

    // The collection and the actor's claims include it.
    let ids = app.ids("/v1/actors/pakistan/claims?limit=500").await;
    assert!(ids.contains(&"pakistan-claims-12-killed".to_owned()));
}

#[sqlx::test]
async fn a_create_without_an_id_gets_a_readable_one(pool: PgPool) {
    let (app, token) = editor(pool, Scope::Write).await;
    let mut ids = Vec::new();
    for _ in 0..2 {
        let r = post(&app, &token, "/v1/claims", new_claim(None)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        ids.push(r.body["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(
        ids,
        [
            "pakistan-casualties-2026-03-01",
            "pakistan-casualties-2026-03-01-2"
        ]
    );
}

#[sqlx::test]
async fn a_patch_needs_the_current_etag_and_is_recorded(pool: PgPool) {
    let (app, token) = editor(pool, Scope::Write).await;
    let path = format!("/v1/claims/{CLAIM}");
    let (old, etag) = read(&app, &path).await;
    let patch = json!({"status": "confirmed", "status_note": "Confirmed by a later report."});

    let r = send_patch(&app, &token, &path, None, patch.clone()).await;
    let problem = r.assert_problem(428);
    assert_eq!(problem["errors"][0]["parameter"], "If-Match");

    let r = send_patch(&app, &token, &path, Some(&etag), patch.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["status"], "confirmed");
    assert_eq!(
        r.body["statement"], old["statement"],
        "fields not in the patch are kept"
    );
    let new_etag = r.headers["etag"].to_str().unwrap().to_owned();
    assert_ne!(new_etag, etag);
    assert_eq!(read(&app, &path).await.1, new_etag);

    // The old ETag is now stale: 412, with the current one in `ETag`.
    let r = send_patch(&app, &token, &path, Some(&etag), json!({"quote": null})).await;
    r.assert_problem(412);
    assert_eq!(r.headers["etag"].to_str().unwrap(), new_etag);
    assert_eq!(
        read(&app, &path).await.0["quote"],
        old["quote"],
        "nothing written"
    );

    // A malformed patch is a 422 whatever the ETag: its shape is checked first.
    let r = send_patch(
        &app,
        &token,
        &path,
        Some("\"stale\""),
        json!({"colour": 1, "statement": null}),
    )
    .await;
    let problem = r.assert_problem(422);
    assert_eq!(problem["errors"].as_array().unwrap().len(), 2, "{problem}");

    // `null` removes an optional field.
    let r = send_patch(&app, &token, &path, Some(&new_etag), json!({"quote": null})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["quote"], Value::Null);

    let revs = revisions(&app, "claims", CLAIM).await;
    assert_eq!(
        revs.iter()
            .map(|r| r["operation"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["create", "update", "update"]
    );
    assert_eq!(revs[1]["before"]["status"], "unverified");
    assert_eq!(revs[1]["after"]["status"], "confirmed");
    assert_eq!(revs[1]["author"], "test-editor");
    assert_eq!(revs[2]["before"]["quote"], old["quote"]);
    assert!(revs[2]["after"].get("quote").is_none_or(Value::is_null));

    // The id cannot change.
    let etag = read(&app, &path).await.1;
    let r = send_patch(&app, &token, &path, Some(&etag), json!({"id": "other"})).await;
    assert_eq!(r.assert_problem(422)["errors"][0]["pointer"], "/id");
}

#[sqlx::test]
async fn an_invalid_body_lists_every_bad_field(pool: PgPool) {
    let (app, token) = editor(pool, Scope::Write).await;
    let mut body = new_claim(Some("bad-claim"));
    body.as_object_mut().unwrap().remove("claimant");
    body["kind"] = json!("rumour");
    body["statement"] = json!(42);
    body["colour"] = json!("red");
    let r = post(&app, &token, "/v1/claims", body).await;
    let problem = r.assert_problem(422);
    let listed: BTreeSet<&str> = pointers(problem).into_iter().collect();
    for expected in ["/claimant", "/kind", "/statement", ""] {
        assert!(listed.contains(expected), "{expected} not in {problem}");
    }

    // Valid shape, but references that resolve to nothing: each one is listed.
    let mut body = new_claim(Some("dangling-claim"));
    body["claimant"] = json!("nobody");
    body["about"] = json!(["afghan-taliban", "no-such-actor"]);
    body["sources"] = json!(["no-such-source"]);
    body["incident"] = json!("no-such-incident");
    let r = post(&app, &token, "/v1/claims", body).await;
    let problem = r.assert_problem(422);
    assert_eq!(
        pointers(problem),
        ["/sources/0", "/claimant", "/about/1", "/incident"],
        "{problem}"
    );

    // A figure without a claimant cannot exist, and a force figure without a source either.
    let r = post(
        &app,
        &token,
        "/v1/force-figures",
        json!({"id": "x", "actor": "pakistan", "metric": "active_personnel", "value": 1,
                    "qualifier": "exact", "unit": null, "text": null, "as_of": "2026",
                    "note": null, "sources": []}),
    )
    .await;
    let problem = r.assert_problem(422);
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("/claimant"), "{problem}");

    assert_eq!(dataset_version(&app).await, 1, "nothing was written");
}

#[sqlx::test]
async fn bodies_of_the_wrong_type_shape_or_size_are_refused(pool: PgPool) {
    let (app, token) = editor(pool, Scope::Write).await;
    let url = format!("{}/v1/claims", app.base);
    let post = |content_type: &'static str, body: String| {
        app.client
            .post(&url)
            .bearer_auth(&token)
            .header("Content-Type", content_type)
            .body(body)
    };
    reply(post("text/plain", "{}".into()).send().await.unwrap())
        .await
        .assert_problem(415);
    reply(
        post("application/json", "{not json".into())
            .send()
            .await
            .unwrap(),
    )
    .await
    .assert_problem(400);
    reply(
        post("application/json", "[1, 2]".into())
            .send()
            .await
            .unwrap(),
    )
    .await
    .assert_problem(400);
    let mut nul = new_claim(None);
    nul["statement"] = json!("a\u{0}b");
    let r = reply(
        post("application/json", nul.to_string())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.assert_problem(422)["errors"][0]["pointer"], "/statement");
    let big = format!("{{\"statement\": \"{}\"}}", "x".repeat(300 * 1024));
    reply(post("application/json", big).send().await.unwrap())
        .await
        .assert_problem(413);
    let r = app
        .client
        .post(&url)
        .bearer_auth(&token)
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", "")
        .body(new_claim(None).to_string())
        .send()
        .await
        .unwrap();
    reply(r).await.assert_bad_parameter("Idempotency-Key");
}

#[sqlx::test]
async fn a_retried_create_with_the_same_idempotency_key_creates_once(pool: PgPool) {
    let (app, token) = editor(pool, Scope::Write).await;
    let post = |key: &'static str, body: Value| {
        app.client
            .post(format!("{}/v1/claims", app.base))
            .bearer_auth(&token)
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", key)
            .body(body.to_string())
            .send()
    };
    let first = reply(post("retry-1", new_claim(None)).await.unwrap()).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let second = reply(post("retry-1", new_claim(None)).await.unwrap()).await;
    assert_eq!(second.status, StatusCode::CREATED);
    assert_eq!(second.headers["idempotent-replayed"], "true");
    assert_eq!(second.headers["location"], first.headers["location"]);
    assert_eq!(second.body, first.body);
    assert_eq!(dataset_version(&app).await, 2, "one version, one record");

    let mut other = new_claim(None);
    other["statement"] = json!("Something else.");
    let third = reply(post("retry-1", other).await.unwrap()).await;
    third.assert_bad_parameter("Idempotency-Key");
    assert_eq!(dataset_version(&app).await, 2);
}

#[sqlx::test]
async fn a_delete_leaves_a_tombstone_and_the_id_is_never_reused(pool: PgPool) {
    let (app, token) = editor(pool, Scope::Write).await;
    // An actor that records refer to cannot go: 409 lists who refers to it.
    let (_, etag) = read(&app, "/v1/actors/pakistan").await;
    let r = send_delete(&app, &token, "/v1/actors/pakistan?reason=test", Some(&etag)).await;
    let problem = r.assert_problem(409);
    assert!(problem["errors"].as_array().unwrap().len() > 5, "{problem}");

    let path = format!("/v1/claims/{CLAIM}");
    let (_, etag) = read(&app, &path).await;
    let r = send_delete(&app, &token, &path, Some(&etag)).await;
    r.assert_bad_parameter("reason");
    let r = send_delete(&app, &token, &format!("{path}?reason=Duplicate"), None).await;
    r.assert_problem(428);
    let r = send_delete(
        &app,
        &token,
        &format!("{path}?reason=Duplicate"),
        Some(&etag),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["deleted_by"], "test-editor");
    assert_eq!(r.body["reason"], "Duplicate");
    assert_eq!(r.body["version"], 2);

    let gone = app.get(&path).await;
    let problem = gone.assert_problem(410);
    assert_eq!(problem["tombstone"]["reason"], "Duplicate");
    assert_eq!(problem["tombstone"]["id"], CLAIM);
    assert!(
        !app.ids("/v1/claims?limit=500")
            .await
            .contains(&CLAIM.to_owned())
    );

    // Patching or deleting it again is 410; creating it again is 409.
    let r = send_patch(&app, &token, &path, Some("*"), json!({"quote": null})).await;
    r.assert_problem(410);
    let r = send(
        &app,
        Method::POST,
        "/v1/claims",
        Some(&token),
        None,
        Some(new_claim(Some(CLAIM))),
    )
    .await;
    assert_eq!(r.assert_problem(409)["errors"][0]["pointer"], "/id");

    let revs = revisions(&app, "claims", CLAIM).await;
    assert_eq!(revs.last().unwrap()["operation"], "delete");
    assert_eq!(revs.last().unwrap()["reason"], "Duplicate");
    assert_eq!(revs.last().unwrap()["after"], Value::Null);

    // The incident it was about no longer lists it.
    let incident = app
        .get_ok("/v1/incidents/pakistan-strikes-on-taliban-2026-02-27")
        .await;
    assert!(
        !incident["claims"]
            .as_array()
            .unwrap()
            .contains(&json!(CLAIM))
    );
}

#[sqlx::test]
async fn contradictions_stay_mutual_and_a_failed_write_changes_nothing(pool: PgPool) {
    let (app, token) = editor(pool, Scope::Write).await;
    let denial = "afghan-taliban-deny-attacks-from-afghan-soil";
    // A new claim naming the denial as contradicting it: the denial now lists it back,
    // in the same dataset version.
    let mut claim = new_claim(Some("pakistan-repeats-militant-links"));
    claim["kind"] = json!("accusation");
    claim["status"] = json!("denied");
    claim["figures"] = json!([]);
    claim["contradicted_by"] = json!([denial]);
    let r = post(&app, &token, "/v1/claims", claim).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let listed = app.get_ok(&format!("/v1/claims/{denial}")).await["contradicted_by"].clone();
    assert!(
        listed
            .as_array()
            .unwrap()
            .contains(&json!("pakistan-repeats-militant-links"))
    );
    let revs = revisions(&app, "claims", denial).await;
    assert_eq!(revs.last().unwrap()["version"], 2);

    // Half-way failure: moving the contradiction from the Islamic State pair onto the denial
    // adds this claim to the denial (written first in the transaction) but would leave
    // `pakistan-rejects-harbouring-islamic-state` disputed by nothing: 422, and nothing of
    // the transaction survives.
    let accuse = "afghan-taliban-accuse-pakistan-of-harbouring-islamic-state";
    let (_, etag) = read(&app, &format!("/v1/claims/{accuse}")).await;
    let before_denial = read(&app, &format!("/v1/claims/{denial}")).await;
    let r = send_patch(
        &app,
        &token,
        &format!("/v1/claims/{accuse}"),
        Some(&etag),
        json!({"contradicted_by": [denial]}),
    )
    .await;
    let problem = r.assert_problem(422);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("pakistan-rejects-harbouring-islamic-state"),
        "{problem}"
    );
    assert_eq!(
        read(&app, &format!("/v1/claims/{denial}")).await,
        before_denial
    );
    assert_eq!(dataset_version(&app).await, 2);
    let count: i64 = sqlx::query_scalar("select count(*) from revisions where version > 2")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(count, 0);
}

#[sqlx::test]
async fn parallel_read_modify_writes_lose_no_update(pool: PgPool) {
    let (app, token) = editor(pool, Scope::Write).await;
    let path = format!("/v1/claims/{CLAIM}");
    let clients = 8;
    let writes_each = 5;
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (client, base, token, path) = (
            app.client.clone(),
            app.base.clone(),
            token.clone(),
            path.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let (mut ok, mut conflicts) = (0, 0);
            let mut done = 0;
            while done < writes_each {
                let got = client.get(format!("{base}{path}")).send().await.unwrap();
                let etag = got.headers()["etag"].to_str().unwrap().to_owned();
                let claim: Value = got.json().await.unwrap();
                let statement = format!("{} [c{c}w{done}]", claim["statement"].as_str().unwrap());
                let r = client
                    .patch(format!("{base}{path}"))
                    .bearer_auth(&token)
                    .header("If-Match", etag)
                    .header("Content-Type", "application/merge-patch+json")
                    .body(json!({"statement": statement}).to_string())
                    .send()
                    .await
                    .unwrap();
                match r.status() {
                    StatusCode::OK => {
                        ok += 1;
                        done += 1;
                    }
                    StatusCode::PRECONDITION_FAILED => conflicts += 1,
                    other => panic!("unexpected {other}: {}", r.text().await.unwrap()),
                }
            }
            (ok, conflicts)
        }));
    }
    let mut successes = 0;
    for t in tasks {
        successes += t.await.unwrap().0;
    }
    assert_eq!(successes, clients * writes_each);
    let statement = app.get_ok(&path).await["statement"]
        .as_str()
        .unwrap()
        .to_owned();
    for c in 0..clients {
        for w in 0..writes_each {
            assert!(
                statement.contains(&format!("[c{c}w{w}]")),
                "lost c{c}w{w}: {statement}"
            );
        }
    }
    let updates = revisions(&app, "claims", CLAIM)
        .await
        .iter()
        .filter(|r| r["operation"] == "update")
        .count();
    assert_eq!(updates, successes, "one revision per successful write");
    assert_eq!(dataset_version(&app).await, 1 + successes as i64);
}

#[sqlx::test]
async fn every_resource_can_be_created_patched_and_deleted(pool: PgPool) {
    let (app, token) = editor(pool, Scope::Write).await;
    let bodies = [
        (
            "sources",
            json!({"id": "new-source", "publisher": "Wire", "title": "A report", "kind": "news_report",
            "published": "2026-03-02", "url": null, "cited_in": null, "note": null}),
            json!({"publisher": "Another wire"}),
        ),
        (
            "actors",
            json!({"id": "new-actor", "name": "A new group", "aliases": [], "kind": "armed_group",
            "country": "PK", "founded": null, "description": "A group.", "relations": [], "sources": ["explainer-2026-02-27"]}),
            json!({"aliases": ["NG"]}),
        ),
        (
            "incidents",
            json!({"id": "new-incident", "title": "A clash", "kind": "border_clash", "date": "2026-03-02",
            "date_note": null, "locations": [], "actors": [{"actor": "pakistan", "role": "perpetrator"}],
            "summary": "A clash.", "sources": ["explainer-2026-02-27"]}),
            json!({"summary": "A border clash."}),
        ),
        (
            "force-figures",
            json!({"id": "new-figure", "actor": "pakistan", "claimant": "pakistan",
            "metric": "active_personnel", "value": 650000, "qualifier": "approximately", "unit": "personnel",
            "text": "about 650,000", "as_of": "2026", "note": null, "sources": ["explainer-2026-02-27"]}),
            json!({"note": "A round figure."}),
        ),
    ];
    for (resource, body, patch) in bodies {
        let id = body["id"].as_str().unwrap().to_owned();
        let path = format!("/v1/{resource}/{id}");
        let r = post(&app, &token, &format!("/v1/{resource}"), body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{resource}: {}", r.body);
        let etag = r.headers["etag"].to_str().unwrap().to_owned();
        let r = send_patch(&app, &token, &path, Some(&etag), patch.clone()).await;
        assert_eq!(r.status, StatusCode::OK, "{resource}: {}", r.body);
        let (key, value) = patch.as_object().unwrap().iter().next().unwrap();
        assert_eq!(&r.body[key], value, "{resource}");
        let etag = r.headers["etag"].to_str().unwrap().to_owned();
        let r = send_delete(&app, &token, &format!("{path}?reason=test"), Some(&etag)).await;
        assert_eq!(r.status, StatusCode::OK, "{resource}: {}", r.body);
        app.get(&path).await.assert_problem(410);
        let ops: Vec<String> = revisions(&app, resource, &id)
            .await
            .iter()
            .map(|r| r["operation"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(ops, ["create", "update", "delete"], "{resource}");
    }
    let _ = app.request(Method::GET, "/v1/dataset").await;
}

/// Runs `durand keys ...` and returns (success, stdout, stderr).
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
async fn the_cli_manages_keys_and_tokens_never_reach_the_logs(pool: PgPool) {
    let url = database_url(&pool).await;
    let (ok, out, err) = keys_cli(
        &url,
        &["create", "--name", "cli-editor", "--scope", "write"],
    );
    assert!(ok, "{err}");
    let created: Value = serde_json::from_str(&out).unwrap();
    let token = created["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("durand_") && token.len() > 40, "{token}");
    let (ok, listed, _) = keys_cli(&url, &["list"]);
    assert!(
        ok && listed.contains("cli-editor") && !listed.contains(&token),
        "{listed}"
    );
    let (ok, _, err) = keys_cli(&url, &["create", "--name", "bad/name"]);
    assert!(!ok && err.contains("key name"), "{err}");
    let stored: Vec<u8> = sqlx::query_scalar("select token_hash from api_keys")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored, keys::hash(&token), "only the hash is stored");

    // A real server with debug logs, written to a file, takes writes with a good and a bad token.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let log_path = std::env::temp_dir().join(format!("durand-token-log-{port}.txt"));
    let log = std::fs::File::create(&log_path).unwrap();
    /// Kills the server even when an assertion fails first, so that no process outlives the
    /// test holding its database open.
    struct KillOnDrop(std::process::Child);
    impl Drop for KillOnDrop {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let server = std::process::Command::new(env!("CARGO_BIN_EXE_durand"))
        .arg("serve")
        .env("DATABASE_URL", &url)
        .env("DURAND_ADDR", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "debug")
        .env("DURAND_LOG_FORMAT", "json")
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap();
    let server = KillOnDrop(server);
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    let mut ready = false;
    for _ in 0..200 {
        if client
            .get(format!("{base}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            ready = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(ready, "server did not start");
    let bad = "durand_this-is-a-secret-that-must-not-be-logged";
    for t in [token.as_str(), bad] {
        let r = client
            .post(format!("{base}/v1/claims"))
            .bearer_auth(t)
            .header("Content-Type", "application/json")
            .body(new_claim(None).to_string())
            .send()
            .await
            .unwrap();
        assert!(r.status() == 201 || r.status() == 401, "{}", r.status());
    }
    drop(server);
    let logged = std::fs::read_to_string(&log_path).unwrap();
    let _ = std::fs::remove_file(&log_path);
    assert!(
        logged.contains("cli-editor"),
        "the key's name is logged on its write"
    );
    assert!(!logged.contains(&token), "the token was logged");
    assert!(!logged.contains(bad), "a rejected token was logged");
    assert!(
        !logged.contains(&token["durand_".len()..]),
        "part of the token was logged"
    );

    let (ok, out, _) = keys_cli(&url, &["revoke", "cli-editor"]);
    assert!(ok && out.contains("\"revoked\": 1"), "{out}");
    let (ok, _, err) = keys_cli(&url, &["revoke", "cli-editor"]);
    assert!(!ok && err.contains("no active key"), "{err}");
}

#[sqlx::test]
async fn a_source_cannot_be_cited_in_a_loop(pool: PgPool) {
    let (app, token) = editor(pool, Scope::Write).await;
    let path = "/v1/sources/explainer-2026-02-27";
    let (_, etag) = read(&app, path).await;
    // The IISS data is cited in the explainer; the explainer cannot be cited in it.
    let r = send_patch(
        &app,
        &token,
        path,
        Some(&etag),
        json!({"cited_in": "iiss-2025"}),
    )
    .await;
    assert_eq!(pointers(r.assert_problem(422)), ["/cited_in"]);
    // Claims citing both still render their attribution (the server is still up).
    let claim = app.get_ok(&format!("/v1/claims/{CLAIM}")).await;
    assert!(claim["attribution"].as_str().unwrap().contains("Source:"));
}

/// The source audit's rules hold for editors' writes too, each problem at its field: a point
/// where the source names no place, a relation that does not say whether it holds, a figure
/// credited to someone other than the second-hand source it cites, evidence from a source the
/// record does not cite, and an estimated date without its inference.
#[sqlx::test]
async fn writes_refuse_invented_points_stateless_relations_and_miscredited_figures(pool: PgPool) {
    let (app, token) = editor(pool, Scope::Write).await;
    let incident = json!({"title": "A clash", "kind": "border_clash", "date": "2026-03-02",
        "date_basis": "estimated", "locations": [{"name": "along the border", "country": null,
        "lat": 32.3, "lon": 69.4, "precision": "border"}],
        "actors": [{"actor": "pakistan", "role": "party"}], "summary": "A clash.",
        "sources": ["explainer-2026-02-27"],
        "evidence": [{"source": "iiss-2025", "span": "Border clashes", "supports": null}]});
    let r = post(&app, &token, "/v1/incidents", incident).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let found = pointers(&r.body);
    assert!(found.contains(&"/locations/0/lat"), "{}", r.body);
    let text = r.body.to_string();
    assert!(
        text.contains("a place of precision `border` has no point"),
        "{text}"
    );
    assert!(text.contains("`date_basis` is `estimated`"), "{text}");
    assert!(
        text.contains("source `iiss-2025` is not among the record's sources"),
        "{text}"
    );

    let actor = json!({"name": "A new group", "aliases": [], "kind": "armed_group",
        "country": "PK", "founded": null, "description": "A group.", "sources": ["explainer-2026-02-27"],
        "relations": [{"actor": "pakistan", "kind": "armed_conflict", "since": null, "until": null,
            "sources": ["explainer-2026-02-27"]}]});
    let r = post(&app, &token, "/v1/actors", actor).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(pointers(&r.body), ["/relations/0/state"], "{}", r.body);
    assert!(
        r.body.to_string().contains("`state` is required"),
        "{}",
        r.body
    );

    // The Taliban's 172,000 credited to the source's voice but citing the IISS data: refused.
    let figure = json!({"actor": "afghan-taliban", "claimant": "press-reports",
        "metric": "active_personnel", "value": 172000, "qualifier": "exact", "unit": "people",
        "text": "172,000", "as_of": "2025", "sources": ["iiss-2025", "explainer-2026-02-27"]});
    let r = post(&app, &token, "/v1/force-figures", figure).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(pointers(&r.body), ["/claimant"], "{}", r.body);
    assert!(
        r.body.to_string().contains("which is `iiss`'s"),
        "{}",
        r.body
    );

    // Credited to the IISS but citing only the explainer: refused too.
    let figure = json!({"actor": "pakistan", "claimant": "iiss",
        "metric": "helicopters", "value": 300, "qualifier": "more_than", "unit": "helicopters",
        "text": "more than 300", "as_of": "2025", "sources": ["explainer-2026-02-27"]});
    let r = post(&app, &token, "/v1/force-figures", figure).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body.to_string().contains("cites none of its sources"),
        "{}",
        r.body
    );

    // The same record, made right, is accepted, and served with its evidence.
    let place = json!({"title": "A clash", "kind": "border_clash", "date": "../2026-03-02",
        "date_basis": "bounded", "locations": [{"name": "along the border", "country": null,
        "lat": null, "lon": null, "precision": "border"}],
        "actors": [{"actor": "pakistan", "role": "party"}], "summary": "A clash.",
        "sources": ["explainer-2026-02-27"],
        "evidence": [{"source": "explainer-2026-02-27", "span": "Border clashes", "supports": null}]});
    let r = post(&app, &token, "/v1/incidents", place).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["date"]["start"], serde_json::Value::Null);
    assert_eq!(r.body["locations"][0]["lat"], serde_json::Value::Null);
    assert_eq!(r.body["evidence"][0]["span"], "Border clashes");
}

/// A record's own rules report each problem at its field: a negative figure value at
/// `/figures/0/value`, a self-contradiction at `/contradicted_by/0` (they were at `""`).
#[sqlx::test]
async fn a_records_problems_come_back_at_their_fields(pool: PgPool) {
    let (app, token) = editor(pool, Scope::Write).await;
    let mut claim = new_claim(Some("pakistan-claims-minus-12"));
    claim["figures"][0]["value"] = json!(-12);
    claim["contradicted_by"] = json!(["pakistan-claims-minus-12"]);
    let r = post(&app, &token, "/v1/claims", claim).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let found = pointers(&r.body);
    assert!(found.contains(&"/figures/0/value"), "{}", r.body);
    assert!(found.contains(&"/contradicted_by/0"), "{}", r.body);
    assert!(!found.contains(&""), "{}", r.body);
}

/// A body's problems come back all at once: a bad date does not hide a dangling claimant.
#[sqlx::test]
async fn a_bad_date_does_not_hide_a_dangling_reference(pool: PgPool) {
    let (app, token) = editor(pool, Scope::Write).await;
    let mut claim = new_claim(None);
    claim["made_at"] = json!("2025-13");
    claim["claimant"] = json!("nobody");
    claim["about"] = json!(["afghan-taliban", "no-one"]);
    let r = post(&app, &token, "/v1/claims", claim).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let mut found = pointers(&r.body);
    found.sort();
    assert_eq!(found, ["/about/1", "/claimant", "/made_at"], "{}", r.body);
    assert!(
        r.body.to_string().contains("actor `nobody` does not exist"),
        "{}",
        r.body
    );
}

/// A validator for the spec's component `name`, resolved against all its components.
fn component_validator(spec: &Value, name: &str) -> jsonschema::Validator {
    let root = json!({
        "$ref": format!("#/components/schemas/{name}"),
        "components": spec["components"],
    });
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&root)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Checks items against a tagged `oneOf`: exactly one variant holds each, the one its tag
/// maps to. Validators are compiled once (compiling one per item made the test slow enough
/// for idle keep-alive connections to be closed under it).
struct Tagged<'a> {
    spec: &'a Value,
    union: &'static str,
    validators: std::collections::HashMap<String, jsonschema::Validator>,
}

impl<'a> Tagged<'a> {
    fn new(spec: &'a Value, union: &'static str) -> Self {
        let mut validators = std::collections::HashMap::new();
        validators.insert(union.to_owned(), component_validator(spec, union));
        Self {
            spec,
            union,
            validators,
        }
    }

    fn check(&mut self, item: &Value) {
        let discriminator = &self.spec["components"]["schemas"][self.union]["discriminator"];
        let tag = item[discriminator["propertyName"].as_str().unwrap()]
            .as_str()
            .unwrap();
        let variant = discriminator["mapping"][tag]
            .as_str()
            .unwrap_or_else(|| panic!("{} maps no `{tag}`", self.union))
            .rsplit('/')
            .next()
            .unwrap()
            .to_owned();
        let spec = self.spec;
        self.validators
            .entry(variant.clone())
            .or_insert_with(|| component_validator(spec, &variant));
        for name in [self.union, variant.as_str()] {
            let errors: Vec<String> = self.validators[name]
                .iter_errors(item)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{name}: {errors:?}\n{item}");
        }
    }
}

#[sqlx::test]
async fn export_lines_and_feed_changes_fit_their_tagged_schemas(pool: PgPool) {
    let (app, token) = editor(pool, Scope::Write).await;
    let spec = app.get_ok("/v1/openapi.json").await;
    // A create, an update and a delete, so the feed holds every operation.
    let r = post(&app, &token, "/v1/claims", new_claim(Some("tagged-claim"))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let etag = r.headers["etag"].to_str().unwrap().to_owned();
    let path = "/v1/claims/tagged-claim";
    let r = send_patch(&app, &token, path, Some(&etag), json!({"quote": "12"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let etag = r.headers["etag"].to_str().unwrap().to_owned();
    let r = send_delete(&app, &token, &format!("{path}?reason=test"), Some(&etag)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let changes = app.walk("/v1/changes", 200).await;
    let body = app
        .request(Method::GET, "/v1/export")
        .await
        .text()
        .await
        .unwrap();
    let mut feed = Tagged::new(&spec, "FeedChange");
    let mut resources = BTreeSet::new();
    for change in &changes {
        feed.check(change);
        resources.insert(change["resource"].as_str().unwrap().to_owned());
    }
    assert_eq!(resources.len(), 5, "{resources:?}");
    let operations: Vec<&str> = changes
        .iter()
        .filter(|c| c["id"] == "tagged-claim")
        .map(|c| c["operation"].as_str().unwrap())
        .collect();
    assert_eq!(operations, ["create", "update", "delete"]);

    let mut export = Tagged::new(&spec, "ExportLine");
    let mut types = BTreeSet::new();
    for line in body.lines() {
        let line: Value = serde_json::from_str(line).unwrap();
        export.check(&line);
        types.insert(line["type"].as_str().unwrap().to_owned());
    }
    assert_eq!(types.len(), 7, "{types:?}");
}

#[sqlx::test]
async fn required_text_that_says_nothing_is_refused_where_the_schema_says_so(pool: PgPool) {
    let (app, token) = editor(pool, Scope::Write).await;
    let spec = app.get_ok("/v1/openapi.json").await;
    for (schema, field) in [
        ("ClaimInput", "statement"),
        ("ActorInput", "name"),
        ("SourceInput", "title"),
        ("IncidentInput", "summary"),
    ] {
        let property = &spec["components"]["schemas"][schema]["properties"][field];
        assert_eq!(property["minLength"], 1, "{schema}.{field}");
        assert!(property["pattern"].is_string(), "{schema}.{field}");
    }
    let mut body = new_claim(Some("blank-claim"));
    body["statement"] = json!(" \t\u{3000}");
    let r = post(&app, &token, "/v1/claims", body).await;
    assert!(pointers(r.assert_problem(422)).contains(&"/statement"));
    let mut body = new_claim(Some("blank-figure"));
    body["figures"][0]["subject"] = json!("");
    let r = post(&app, &token, "/v1/claims", body).await;
    assert!(pointers(r.assert_problem(422)).contains(&"/figures/0/subject"));

    let (_, etag) = read(&app, "/v1/actors/pakistan").await;
    let r = send_patch(
        &app,
        &token,
        "/v1/actors/pakistan",
        Some(&etag),
        json!({"name": "  "}),
    )
    .await;
    assert!(pointers(r.assert_problem(422)).contains(&"/name"));
    assert_eq!(dataset_version(&app).await, 1, "nothing was written");
}
