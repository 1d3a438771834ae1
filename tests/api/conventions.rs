//! HTTP conventions: content codings (brotli beside gzip, an ETag per coding, a 406 problem
//! when none suits), media types (a 406 problem wherever `Accept` rules out every format a
//! resource has), CORS refusals as problems, and a `Vary` that names each header once.

use std::io::Read;

use durand::config::ServerSettings;
use durand::store::keys::{self, Scope};
use reqwest::Method;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::helpers::{TestApp, listening, metric, metrics_page};

/// A collection page, a record and the streamed export: the three kinds of body.
const PAGE: &str = "/v1/claims?limit=500";
const RECORD: &str = "/v1/actors/ttp";
const EXPORT: &str = "/v1/export";

/// Rate limiting off (these tests make a few hundred requests); `cache` off or on.
fn settings(cache: bool) -> ServerSettings {
    let mut settings = ServerSettings::default();
    settings.rate_limit.per_minute = 0;
    if !cache {
        settings.cache_bytes = 0;
    }
    settings
}

/// A server with the response cache on, once the cache can answer (the version listener is up).
async fn cached(pool: PgPool) -> TestApp {
    let app = TestApp::spawn_with(pool, settings(true)).await;
    listening(&app.client, &app.base).await;
    app
}

/// Sends `method path` with extra headers; status, headers and body bytes.
async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, HeaderMap, Vec<u8>) {
    let mut req = app.client.request(method, format!("{}{path}", app.base));
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    let res = req.send().await.expect("request");
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    (status, headers, res.bytes().await.unwrap().to_vec())
}

async fn get(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> (u16, HeaderMap, Vec<u8>) {
    send(app, Method::GET, path, headers).await
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers.get(name).map(|v| v.to_str().unwrap()).unwrap_or("")
}

/// Asserts an RFC 9457 problem with `status`, and returns it.
fn problem(status: u16, headers: &HeaderMap, body: &[u8], what: &str) -> Value {
    let text = String::from_utf8_lossy(body);
    assert_eq!(
        header(headers, "content-type"),
        "application/problem+json",
        "{what}: {status} {text}"
    );
    let problem: Value = serde_json::from_slice(body).expect("a JSON problem");
    assert_eq!(problem["status"], status, "{what}: {text}");
    for field in ["type", "title", "detail"] {
        assert!(problem[field].is_string(), "{what}: no `{field}` in {text}");
    }
    problem
}

/// `body` decoded from `coding`.
fn decoded(coding: &str, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match coding {
        "identity" => out.extend_from_slice(body),
        "br" => {
            brotli::Decompressor::new(body, 4096)
                .read_to_end(&mut out)
                .unwrap();
        }
        "gzip" => {
            flate2::read::GzDecoder::new(body)
                .read_to_end(&mut out)
                .unwrap();
        }
        "deflate" => {
            flate2::read::ZlibDecoder::new(body)
                .read_to_end(&mut out)
                .unwrap();
        }
        other => panic!("no decoder for {other}"),
    }
    out
}

/// The names a response's `Vary` lists, over all its `Vary` lines.
fn vary(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all("vary")
        .iter()
        .flat_map(|v| v.to_str().unwrap().split(','))
        .map(|n| n.trim().to_ascii_lowercase())
        .filter(|n| !n.is_empty())
        .collect()
}

/// The number of reads the response cache answered.
async fn hits(app: &TestApp) -> f64 {
    let page = metrics_page(&app.client, &app.base).await;
    metric(&page, "durand_response_cache_total{outcome=\"hit\"}").unwrap_or(0.0)
}

const CODINGS: [&str; 4] = ["identity", "br", "gzip", "deflate"];

#[sqlx::test]
async fn brotli_is_offered_beside_gzip_and_each_coding_has_its_own_etag(pool: PgPool) {
    let app = TestApp::spawn_with(pool, settings(false)).await;
    for path in [PAGE, RECORD, EXPORT] {
        let (status, plain_headers, plain) = get(&app, path, &[]).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(header(&plain_headers, "content-encoding"), "", "{path}");
        let identity_tag = header(&plain_headers, "etag").to_owned();
        let opaque = identity_tag.trim_matches('"');
        assert!(!opaque.is_empty() && !identity_tag.starts_with("W/"));
        let mut sizes = vec![format!("identity {}", plain.len())];
        for coding in ["br", "gzip", "deflate"] {
            let (status, h, body) = get(&app, path, &[("accept-encoding", coding)]).await;
            assert_eq!(status, 200, "{path} {coding}");
            assert_eq!(header(&h, "content-encoding"), coding, "{path}");
            assert_eq!(
                header(&h, "etag"),
                format!("\"{opaque}-{coding}\""),
                "{path}: the {coding} representation has its own strong ETag"
            );
            assert_eq!(
                decoded(coding, &body),
                plain,
                "{path}: {coding} holds the same bytes"
            );
            assert!(
                vary(&h).contains(&"accept-encoding".to_owned()),
                "{path} {coding}"
            );
            sizes.push(format!("{coding} {}", body.len()));
        }
        println!("{path}: {}", sizes.join(", "));
    }
    // What Chromium sends: brotli is preferred among equals.
    let (_, h, _) = get(
        &app,
        PAGE,
        &[("accept-encoding", "gzip, deflate, br, zstd")],
    )
    .await;
    assert_eq!(header(&h, "content-encoding"), "br");
    let (_, h, _) = get(&app, PAGE, &[("accept-encoding", "br;q=0.5, gzip")]).await;
    assert_eq!(header(&h, "content-encoding"), "gzip", "q-values decide");
}

/// Each coding's ETag, read fresh, then every condition a client or a shared cache could send
/// for it: its own tag (304 naming it), every coding's tags (304 naming the one negotiated),
/// and only the other codings' tags (200: what the client holds is another representation).
async fn conditions_hold_for_every_coding(app: &TestApp, path: &str) {
    let mut tags = Vec::new();
    for coding in CODINGS {
        let (status, h, _) = get(app, path, &[("accept-encoding", coding)]).await;
        assert_eq!(status, 200, "{path} {coding}");
        tags.push(header(&h, "etag").to_owned());
    }
    let all = tags.join(", ");
    for (i, coding) in CODINGS.iter().enumerate() {
        let own = &tags[i];
        for (condition, what) in [(own.as_str(), "its own tag"), (all.as_str(), "all tags")] {
            let (status, h, body) = get(
                app,
                path,
                &[("accept-encoding", coding), ("if-none-match", condition)],
            )
            .await;
            assert_eq!(status, 304, "{path} {coding} with {what}");
            assert_eq!(header(&h, "etag"), own, "{path} {coding} with {what}");
            assert!(body.is_empty());
            assert!(
                vary(&h).contains(&"accept-encoding".to_owned()),
                "{path} {coding}"
            );
        }
        let others: Vec<&str> = tags
            .iter()
            .filter(|t| *t != own)
            .map(String::as_str)
            .collect();
        let (status, h, body) = get(
            app,
            path,
            &[
                ("accept-encoding", coding),
                ("if-none-match", &others.join(", ")),
            ],
        )
        .await;
        assert_eq!(status, 200, "{path} {coding} with the other codings' tags");
        assert_eq!(header(&h, "etag"), own);
        assert!(!body.is_empty());
    }
}

#[sqlx::test]
async fn if_none_match_gives_a_304_for_the_coding_negotiated_without_the_response_cache(
    pool: PgPool,
) {
    let app = TestApp::spawn_with(pool, settings(false)).await;
    for path in [PAGE, RECORD, EXPORT] {
        conditions_hold_for_every_coding(&app, path).await;
    }
}

#[sqlx::test]
async fn if_none_match_gives_a_304_for_the_coding_negotiated_from_the_response_cache(pool: PgPool) {
    let app = cached(pool).await;
    let before = hits(&app).await;
    for path in [PAGE, RECORD] {
        conditions_hold_for_every_coding(&app, path).await;
    }
    // 4 reads to fill the cache per path, then 12 conditional reads answered from it.
    let answered = hits(&app).await - before;
    assert!(
        answered >= 24.0,
        "only {answered} reads came from the cache"
    );
    // And a brotli body from the cache is brotli, not the gzip or identity one kept beside it.
    let (_, h, body) = get(&app, PAGE, &[("accept-encoding", "br")]).await;
    let (_, _, plain) = get(&app, PAGE, &[]).await;
    assert_eq!(header(&h, "content-encoding"), "br");
    assert_eq!(decoded("br", &body), plain);
}

#[sqlx::test]
async fn a_write_takes_the_etag_of_a_compressed_read_in_if_match(pool: PgPool) {
    let app = TestApp::spawn_with(pool, settings(false)).await;
    let (token, _) = keys::create(&app.pool, "conventions-editor", Scope::Write)
        .await
        .unwrap();
    let path = "/v1/claims/pakistan-claims-133-taliban-killed";
    let (_, h, _) = get(&app, path, &[("accept-encoding", "br")]).await;
    let br_tag = header(&h, "etag").to_owned();
    assert!(br_tag.ends_with("-br\""), "{br_tag}");
    let patch = |tag: &str| {
        app.client
            .patch(format!("{}{path}", app.base))
            .bearer_auth(&token)
            .header("if-match", tag)
            .header("content-type", "application/merge-patch+json")
            .body(json!({"status_note": "Checked against a later report."}).to_string())
            .send()
    };
    let r = patch(&br_tag).await.unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    // The tag of the old version, in any coding, is stale now.
    let r = patch(&br_tag).await.unwrap();
    assert_eq!(r.status(), 412);
}

#[sqlx::test]
async fn accept_encoding_that_rules_out_every_coding_is_a_406_problem(pool: PgPool) {
    let app = TestApp::spawn_with(pool, settings(true)).await;
    for path in [PAGE, RECORD, EXPORT, "/healthz", "/docs/"] {
        for asked in [
            "identity;q=0",
            "*;q=0",
            "zstd, identity;q=0",
            "br;q=0, gzip;q=0, deflate;q=0, identity;q=0",
        ] {
            let (status, h, body) = get(&app, path, &[("accept-encoding", asked)]).await;
            let what = format!("{path} with Accept-Encoding: {asked}");
            let problem = problem(status, &h, &body, &what);
            assert_eq!(status, 406, "{what}");
            assert_eq!(
                problem["errors"][0]["parameter"], "Accept-Encoding",
                "{what}"
            );
            let detail = problem["detail"].as_str().unwrap();
            assert!(detail.contains("br, gzip"), "{what}: {detail}");
            assert!(vary(&h).contains(&"accept-encoding".to_owned()), "{what}");
            assert_eq!(header(&h, "cache-control"), "no-store", "{what}");
        }
        // A coding the server lacks, with identity still allowed, is answered uncompressed.
        let (status, h, _) = get(&app, path, &[("accept-encoding", "zstd")]).await;
        assert_eq!(
            (status, header(&h, "content-encoding")),
            (200, ""),
            "{path}"
        );
    }
}

#[sqlx::test]
async fn a_cors_preflight_for_a_method_not_allowed_is_a_400_problem(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    for method in ["PUT", "TRACE", "CONNECT"] {
        for path in ["/v1/claims", RECORD] {
            let (status, h, body) = send(
                &app,
                Method::OPTIONS,
                path,
                &[
                    ("origin", "https://newsroom.example"),
                    ("access-control-request-method", method),
                ],
            )
            .await;
            let what = format!("preflight of {method} {path}");
            let problem = problem(status, &h, &body, &what);
            assert_eq!(status, 400, "{what}");
            let error = &problem["errors"][0];
            assert_eq!(
                error["parameter"], "Access-Control-Request-Method",
                "{what}"
            );
            let detail = error["detail"].as_str().unwrap();
            assert!(
                detail.contains(&format!("`{method}`")) && detail.contains("GET, HEAD"),
                "{what}: {detail}"
            );
            assert_eq!(header(&h, "access-control-allow-origin"), "", "{what}");
        }
    }
    // What a browser sends before a write is still answered as before.
    let (status, h, _) = send(
        &app,
        Method::OPTIONS,
        RECORD,
        &[
            ("origin", "https://newsroom.example"),
            ("access-control-request-method", "PATCH"),
            (
                "access-control-request-headers",
                "authorization, content-type, if-match, x-anything",
            ),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(header(&h, "access-control-allow-origin"), "*");
    assert!(header(&h, "access-control-allow-methods").contains("PATCH"));
    assert!(header(&h, "access-control-allow-headers").contains("x-anything"));
}

/// The concrete path of a spec path template, with each path parameter's example.
fn example_path(template: &str, op: &Value) -> String {
    let mut path = template.to_owned();
    let mut query = Vec::new();
    for p in op["parameters"].as_array().into_iter().flatten() {
        let name = p["name"].as_str().unwrap();
        let example = p["example"]
            .as_str()
            .map(str::to_owned)
            .or_else(|| p["schema"]["example"].as_str().map(str::to_owned));
        match (p["in"].as_str(), example) {
            (Some("path"), Some(example)) => path = path.replace(&format!("{{{name}}}"), &example),
            (Some("path"), None) => panic!("{template}: no example for `{name}`"),
            (Some("query"), Some(example)) if p["required"] == true => {
                query.push(format!("{name}={example}"));
            }
            (Some("query"), None) if p["required"] == true => {
                panic!("{template}: no example for the required `{name}`")
            }
            _ => {}
        }
    }
    if query.is_empty() {
        path
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

#[sqlx::test]
async fn every_read_answers_a_format_it_lacks_with_a_406_problem_it_documents(pool: PgPool) {
    let app = TestApp::spawn_with(pool, settings(false)).await;
    let spec: Value = app
        .client
        .get(format!("{}/v1/openapi.json", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut checked = Vec::new();
    for (template, item) in spec["paths"].as_object().unwrap() {
        let Some(op) = item.get("get") else { continue };
        if !template.starts_with("/v1/") {
            continue;
        }
        let path = example_path(template, op);
        let offered: Vec<&str> = op["responses"]["200"]["content"]
            .as_object()
            .unwrap_or_else(|| panic!("{template}: no 200 content"))
            .keys()
            .map(String::as_str)
            .collect();
        // JSON where offered (the spec's media types come here sorted by name).
        let default = if offered.contains(&"application/json") {
            "application/json"
        } else {
            offered[0]
        };
        assert!(
            op["responses"].get("406").is_some(),
            "{template}: the spec does not document its 406"
        );
        for asked in [
            "text/csv",
            "application/geo+json",
            "application/xml",
            "text/*",
        ] {
            let (status, h, body) = get(&app, &path, &[("accept", asked)]).await;
            let what = format!("GET {path} with Accept: {asked}");
            let served = offered.iter().find(|o| {
                asked == **o || asked.strip_suffix("/*").is_some_and(|t| o.starts_with(t))
            });
            match served {
                Some(media_type) => {
                    assert_eq!(status, 200, "{what}: {}", String::from_utf8_lossy(&body));
                    assert!(
                        header(&h, "content-type").starts_with(media_type),
                        "{what}: {}",
                        header(&h, "content-type")
                    );
                }
                None => {
                    let problem = problem(status, &h, &body, &what);
                    assert_eq!(status, 406, "{what}");
                    let detail = problem["detail"].as_str().unwrap();
                    for media_type in &offered {
                        assert!(detail.contains(media_type), "{what}: {detail}");
                    }
                    assert_eq!(header(&h, "cache-control"), "no-store", "{what}");
                }
            }
        }
        // Anything, or a browser's Accept, gets the default format.
        for asked in [
            "*/*",
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        ] {
            let (status, h, _) = get(&app, &path, &[("accept", asked)]).await;
            assert_eq!(status, 200, "GET {path} with Accept: {asked}");
            assert!(header(&h, "content-type").starts_with(default), "{path}");
        }
        checked.push(template.clone());
    }
    for named in [
        "/v1/actors/{id}",
        "/v1/claims/{id}",
        "/v1/dataset",
        "/v1/changes",
        "/v1/export",
        "/v1/force-comparison",
        "/v1/{resource}/{id}/revisions",
        "/v1/openapi.json",
    ] {
        assert!(
            checked.iter().any(|c| c == named),
            "{named} was not checked"
        );
    }
}

#[sqlx::test]
async fn accept_with_q_values_and_wildcards_still_picks_a_format_offered(pool: PgPool) {
    let app = TestApp::spawn_with(pool, settings(false)).await;
    let cases: [(&str, &str, Option<&str>); 14] = [
        (RECORD, "application/*", Some("application/json")),
        (
            RECORD,
            "text/csv;q=0.9, application/json;q=0.1",
            Some("application/json"),
        ),
        (RECORD, "text/csv, */*;q=0.1", Some("application/json")),
        (RECORD, "application/json;q=0, */*", None),
        (RECORD, "text/csv;q=1, text/*;q=0.5", None),
        (
            "/v1/dataset",
            "application/json; charset=utf-8",
            Some("application/json"),
        ),
        ("/v1/changes", "text/csv", None),
        (
            "/v1/claims?limit=5",
            "application/json;q=0.5, text/csv",
            Some("text/csv"),
        ),
        (
            "/v1/claims?limit=5",
            "text/csv;q=0, */*",
            Some("application/json"),
        ),
        ("/v1/claims?limit=5", "text/*", Some("text/csv")),
        (
            "/v1/claims?limit=5&format=csv",
            "application/json",
            Some("text/csv"),
        ),
        (EXPORT, "application/x-ndjson", Some("application/x-ndjson")),
        (EXPORT, "application/*", Some("application/x-ndjson")),
        (EXPORT, "application/json", None),
    ];
    for (path, asked, want) in cases {
        let (status, h, body) = get(&app, path, &[("accept", asked)]).await;
        let what = format!("GET {path} with Accept: {asked}");
        match want {
            Some(media_type) => {
                assert_eq!(status, 200, "{what}");
                assert!(header(&h, "content-type").starts_with(media_type), "{what}");
            }
            None => {
                problem(status, &h, &body, &what);
                assert_eq!(status, 406, "{what}");
            }
        }
    }
}

#[sqlx::test]
async fn vary_names_each_header_once(pool: PgPool) {
    let app = cached(pool).await;
    let before = hits(&app).await;
    let paths = [
        PAGE,
        RECORD,
        EXPORT,
        "/v1/claims?limit=5&format=csv",
        "/v1/actors/nobody",
        "/v1/nowhere",
        "/healthz",
        "/docs/",
    ];
    let origin = ("origin", "https://newsroom.example");
    let gzip = ("accept-encoding", "gzip");
    let variants: [&[(&str, &str)]; 4] = [&[], &[origin], &[gzip], &[origin, gzip]];
    for path in paths {
        for headers in variants {
            // Twice: the second read of a `/v1` page comes from the response cache.
            for round in ["uncached", "cached"] {
                let (status, h, _) = get(&app, path, headers).await;
                let what = format!("GET {path} {headers:?} ({round}, {status})");
                let names = vary(&h);
                assert_eq!(h.get_all("vary").iter().count(), 1, "{what}: {names:?}");
                let mut unique = names.clone();
                unique.sort();
                unique.dedup();
                assert_eq!(unique.len(), names.len(), "{what}: {names:?}");
                assert!(names.contains(&"origin".to_owned()), "{what}: {names:?}");
                if path.starts_with("/v1/") && status == 200 {
                    for name in ["accept", "accept-encoding", "durand-dataset-version"] {
                        assert!(names.contains(&name.to_owned()), "{what}: {names:?}");
                    }
                    // And the 304 for it.
                    let etag = header(&h, "etag").to_owned();
                    let mut conditional = headers.to_vec();
                    conditional.push(("if-none-match", &etag));
                    let (status, h, _) = get(&app, path, &conditional).await;
                    assert_eq!(status, 304, "{what}");
                    let names = vary(&h);
                    let mut unique = names.clone();
                    unique.sort();
                    unique.dedup();
                    assert_eq!(unique.len(), names.len(), "{what} 304: {names:?}");
                }
            }
        }
    }
    let (_, h, _) = send(
        &app,
        Method::OPTIONS,
        PAGE,
        &[origin, ("access-control-request-method", "GET")],
    )
    .await;
    let names = vary(&h);
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "preflight: {names:?}");
    assert!(
        hits(&app).await - before >= 12.0,
        "the cached rounds were not answered from the cache"
    );
}
