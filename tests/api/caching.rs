use sqlx::PgPool;

use crate::helpers::{TestApp, export_records, reply};

#[sqlx::test]
async fn a_repeated_request_with_the_etag_is_a_bodiless_304(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let first = app
        .request(reqwest::Method::GET, "/v1/claims?kind=casualties")
        .await;
    assert_eq!(first.status(), 200);
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    assert!(
        etag.starts_with('"') && etag.ends_with('"') && !etag.starts_with("W/"),
        "strong: {etag}"
    );
    assert_eq!(
        first.headers()["cache-control"],
        "public, max-age=60, stale-while-revalidate=60"
    );
    assert_eq!(first.headers()["durand-dataset-version"], "1");
    assert!(first.headers().contains_key("last-modified"));
    let vary: Vec<&str> = first
        .headers()
        .get_all("vary")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert!(
        vary.iter().any(|v| v.contains("Accept")) && vary.iter().any(|v| v.contains("Origin")),
        "{vary:?}"
    );

    let again = app
        .get_with_header("/v1/claims?kind=casualties", "if-none-match", &etag)
        .await;
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()["etag"], etag.as_str());
    assert!(again.text().await.unwrap().is_empty());

    let other = app
        .get_with_header("/v1/claims?kind=denial", "if-none-match", &etag)
        .await;
    assert_eq!(other.status(), 200, "another representation, another ETag");
    let csv = app
        .client
        .get(format!("{}/v1/claims?kind=casualties&format=csv", app.base))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200, "the CSV is another representation");
}

#[sqlx::test]
async fn the_etag_changes_when_the_data_changes(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let path = "/v1/claims/ttp-claimed-bajaur-assault";
    let before = app.request(reqwest::Method::GET, path).await.headers()["etag"]
        .to_str()
        .unwrap()
        .to_owned();
    let unrelated = app
        .request(reqwest::Method::GET, "/v1/sources/iiss-2025")
        .await
        .headers()["etag"]
        .to_str()
        .unwrap()
        .to_owned();

    let mut dataset = durand::domain::Dataset::bundled().unwrap();
    let claim = dataset
        .claims
        .iter_mut()
        .find(|c| c.id.as_str() == "ttp-claimed-bajaur-assault")
        .unwrap();
    claim.statement = "The TTP claimed responsibility for the Bajaur assault.".into();
    durand::store::import::import_dataset(&app.pool, &dataset)
        .await
        .unwrap();

    // The import ran outside the server, which learns of it by notification, a moment later:
    // ask until it has (the bound only stops a broken server hanging the test).
    let mut after_etag = before.clone();
    for _ in 0..100 {
        let after = app.request(reqwest::Method::GET, path).await;
        assert_eq!(after.status(), 200);
        after_etag = after.headers()["etag"].to_str().unwrap().to_owned();
        if after_etag != before {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_ne!(before, after_etag);
    let stale = app.get_with_header(path, "if-none-match", &before).await;
    assert_eq!(stale.status(), 200, "an old ETag no longer matches");
    let still = app
        .request(reqwest::Method::GET, "/v1/sources/iiss-2025")
        .await
        .headers()["etag"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        unrelated, still,
        "an unchanged representation keeps its ETag"
    );
}

#[sqlx::test]
async fn if_modified_since_gives_304_until_the_data_changes(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let first = app.request(reqwest::Method::GET, "/v1/actors").await;
    let last_modified = first.headers()["last-modified"]
        .to_str()
        .unwrap()
        .to_owned();
    let r = app
        .get_with_header("/v1/actors", "if-modified-since", &last_modified)
        .await;
    assert_eq!(r.status(), 304);
    let r = app
        .get_with_header(
            "/v1/actors",
            "if-modified-since",
            "Mon, 01 Jan 2024 00:00:00 GMT",
        )
        .await;
    assert_eq!(r.status(), 200);
}

#[sqlx::test]
async fn errors_and_probes_are_not_cached(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let r = app
        .request(reqwest::Method::GET, "/v1/claims?limit=0")
        .await;
    assert_eq!(r.status(), 400);
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert!(!r.headers().contains_key("etag"));
}

#[sqlx::test]
async fn cors_preflight_allows_reads_from_any_origin_and_exposes_headers(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let preflight = app
        .client
        .request(reqwest::Method::OPTIONS, format!("{}/v1/claims", app.base))
        .header("origin", "https://newsroom.example")
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "if-none-match")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    assert_eq!(preflight.headers()["access-control-allow-origin"], "*");
    let methods = preflight.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(methods.contains("GET"), "{methods}");

    // A browser editor's PATCH with a token and If-Match passes its preflight too.
    let preflight = app
        .client
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/v1/claims/x", app.base),
        )
        .header("origin", "https://desk.example")
        .header("access-control-request-method", "PATCH")
        .header(
            "access-control-request-headers",
            "authorization, if-match, content-type",
        )
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    let methods = preflight.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .to_owned();
    for m in ["POST", "PATCH", "DELETE"] {
        assert!(methods.contains(m), "{methods}");
    }

    let r = app
        .get_with_header("/v1/claims?limit=1", "origin", "https://newsroom.example")
        .await;
    assert_eq!(r.headers()["access-control-allow-origin"], "*");
    let exposed = r.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    for h in [
        "etag",
        "link",
        "x-request-id",
        "ratelimit-remaining",
        "durand-dataset-version",
        "location",
    ] {
        assert!(exposed.contains(h), "{h} not exposed: {exposed}");
    }
}

#[sqlx::test]
async fn the_ndjson_export_has_one_parsable_line_per_record(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let r = app.request(reqwest::Method::GET, "/v1/export").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/x-ndjson");
    assert!(r.headers().contains_key("etag"));
    let etag = r.headers()["etag"].to_str().unwrap().to_owned();
    let body = r.text().await.unwrap();
    let lines = export_records(&body);
    let counts = app.get_ok("/v1/dataset").await["counts"].clone();
    let total: u64 = ["actors", "sources", "claims", "incidents", "force_figures"]
        .iter()
        .map(|k| counts[k].as_u64().unwrap())
        .sum();
    assert_eq!(
        lines.len() as u64,
        total + 1,
        "one line per record plus the dataset line, before the end line"
    );
    // (`export_records` checked that the end line's count is that same number.)
    assert_eq!(lines[0]["type"], "dataset");
    assert_eq!(lines[0]["data"]["release"], "2");
    let claims = lines.iter().filter(|l| l["type"] == "claim").count();
    assert_eq!(claims as u64, counts["claims"].as_u64().unwrap());
    let incident = lines
        .iter()
        .find(|l| l["data"]["id"] == "pakistan-strikes-on-taliban-2026-02-27")
        .unwrap();
    assert_eq!(incident["type"], "incident");
    assert_eq!(incident["data"]["claims"].as_array().unwrap().len(), 8);
    let again = app
        .get_with_header("/v1/export", "if-none-match", &etag)
        .await;
    assert_eq!(again.status(), 304);
    let _ = reply(app.request(reqwest::Method::GET, "/v1/export").await).await;
}

#[sqlx::test]
async fn responses_vary_on_accept_encoding_as_compression_changes_the_bytes(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    for encoding in ["gzip", "identity"] {
        let r = app
            .get_with_header("/v1/claims?limit=500", "accept-encoding", encoding)
            .await;
        assert_eq!(r.status(), 200);
        let vary = r
            .headers()
            .get_all("vary")
            .iter()
            .map(|v| v.to_str().unwrap().to_ascii_lowercase())
            .collect::<Vec<_>>()
            .join(", ");
        assert!(
            vary.split(',').any(|v| v.trim() == "accept-encoding"),
            "{encoding}: vary {vary}"
        );
    }
}
