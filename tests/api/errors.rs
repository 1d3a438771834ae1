use sqlx::PgPool;

use crate::helpers::{TestApp, reply};

#[sqlx::test]
async fn unknown_query_parameter_is_a_400_problem_listing_the_allowed_ones(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let detail = app
        .get("/v1/claims?claimant=pakistan&colour=red")
        .await
        .assert_bad_parameter("colour");
    assert!(
        detail.contains("`claimant`") && detail.contains("`cursor`"),
        "{detail}"
    );
    for path in [
        "/v1/actors?q=x",
        "/v1/sources?order=id",
        "/v1/incidents?page=2",
        "/v1/force-figures?offset=10",
        "/v1/actors/ttp/claims?claimant=ttp",
    ] {
        let r = app.get(path).await;
        r.assert_problem(400);
    }
}

#[sqlx::test]
async fn bad_enum_values_are_400_problems_naming_the_allowed_values(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let cases = [
        ("/v1/claims?kind=rumour", "kind", "`casualties`"),
        ("/v1/claims?status=true", "status", "`unverified`"),
        ("/v1/incidents?kind=drone", "kind", "`air_strike`"),
        ("/v1/actors?kind=person", "kind", "`armed_group`"),
        ("/v1/sources?kind=blog", "kind", "`think_tank`"),
        (
            "/v1/force-figures?metric=tanks",
            "metric",
            "`active_personnel`",
        ),
    ];
    for (path, parameter, allowed) in cases {
        let detail = app.get(path).await.assert_bad_parameter(parameter);
        assert!(detail.contains(allowed), "{path}: {detail}");
    }
}

#[sqlx::test]
async fn malformed_dates_and_reversed_ranges_are_400_problems(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    for bad in [
        "2026-02-30",
        "27-02-2026",
        "2026-2",
        "yesterday",
        "2026-02-01/2026-02-02",
    ] {
        let detail = app
            .get(&format!("/v1/incidents?from={bad}"))
            .await
            .assert_bad_parameter("from");
        assert!(detail.contains("YYYY-MM-DD"), "{detail}");
    }
    app.get("/v1/claims?to=2026-13")
        .await
        .assert_bad_parameter("to");
    app.get("/v1/force-figures?dated=soon")
        .await
        .assert_bad_parameter("dated");
    let detail = app
        .get("/v1/claims?from=2026-03&to=2026-02")
        .await
        .assert_bad_parameter("from");
    assert!(detail.contains("after"), "{detail}");
}

#[sqlx::test]
async fn limits_outside_1_to_500_are_400_problems(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    for bad in ["0", "100000", "501", "-1", "ten", ""] {
        let detail = app
            .get(&format!("/v1/claims?limit={bad}"))
            .await
            .assert_bad_parameter("limit");
        assert!(detail.contains("1 to 500"), "{detail}");
    }
    assert_eq!(
        app.get_ok("/v1/claims?limit=500").await["meta"]["limit"],
        500
    );
    assert_eq!(app.get_ok("/v1/claims").await["meta"]["limit"], 50);
}

#[sqlx::test]
async fn bad_cursors_are_400_problems(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let actors_cursor = app.get_ok("/v1/actors?limit=1").await["meta"]["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    for bad in ["garbage", "%00%01", "eyJ4IjoxfQ", actors_cursor.as_str()] {
        let detail = app
            .get(&format!("/v1/claims?cursor={bad}"))
            .await
            .assert_bad_parameter("cursor");
        assert!(detail.contains("/v1/claims"), "{detail}");
    }
}

#[sqlx::test]
async fn bad_values_of_other_parameters_are_400_problems(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.get("/v1/incidents?country=pk")
        .await
        .assert_bad_parameter("country");
    app.get("/v1/incidents?country=PAK")
        .await
        .assert_bad_parameter("country");
    app.get("/v1/claims?claimant=Pakistan")
        .await
        .assert_bad_parameter("claimant");
    for bbox in ["1,2,3", "a,b,c,d", "70,30,60,35", "0,-100,1,1"] {
        app.get(&format!("/v1/incidents?bbox={bbox}"))
            .await
            .assert_bad_parameter("bbox");
    }
    let twice = app
        .get("/v1/claims?kind=denial&kind=damage")
        .await
        .assert_bad_parameter("kind");
    assert!(twice.contains("more than once"));
}

#[sqlx::test]
async fn unknown_ids_are_404_problems(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    for path in [
        "/v1/claims/no-such-claim",
        "/v1/incidents/no-such-incident",
        "/v1/sources/nope",
        "/v1/actors/nope",
        "/v1/claims/%F0%9F%92%A3",
        "/v1/incidents/UPPER",
    ] {
        let body = app.get(path).await.assert_problem(404).clone();
        assert!(
            body["detail"].as_str().unwrap().contains("id"),
            "{path}: {body}"
        );
    }
}

#[sqlx::test]
async fn unknown_paths_are_404_problems_and_wrong_methods_405(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    // `/` is the page for people (tests/api/pages.rs); what is not a page is a problem.
    for path in [
        "/nothing-here",
        "/embed/nothing",
        "/v2/claims",
        "/v1/claim",
        "/v1/actors/ttp/friends",
        "/v1/claims/",
    ] {
        app.get(path).await.assert_problem(404);
    }
    for (method, path, allowed) in [
        (reqwest::Method::PUT, "/v1/claims", "GET, HEAD, POST"),
        (
            reqwest::Method::POST,
            "/v1/claims/x",
            "GET, HEAD, PATCH, DELETE",
        ),
        (
            reqwest::Method::PUT,
            "/v1/actors/ttp",
            "GET, HEAD, PATCH, DELETE",
        ),
        (reqwest::Method::PATCH, "/v1/force-comparison", "GET, HEAD"),
        (reqwest::Method::DELETE, "/v1/search", "GET, HEAD"),
        (reqwest::Method::POST, "/", "GET, HEAD"),
        (reqwest::Method::PUT, "/embed/force-comparison", "GET, HEAD"),
    ] {
        let r = reply(app.request(method.clone(), path).await).await;
        r.assert_problem(405);
        assert_eq!(r.headers["allow"], allowed, "{method} {path}");
    }
}

#[sqlx::test]
async fn nul_characters_in_text_parameters_are_400_problems_not_500s(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    for (path, parameter) in [
        ("/v1/search?q=a%00b", "q"),
        ("/v1/claims?q=%00", "q"),
        ("/v1/incidents?q=Bajaur%00", "q"),
        ("/v1/incidents?admin1=Kabul%00", "admin1"),
    ] {
        let detail = app.get(path).await.assert_bad_parameter(parameter);
        assert!(detail.contains("NUL"), "{path}: {detail}");
    }
}

#[sqlx::test]
async fn malformed_dataset_version_header_is_a_400_problem_and_a_valid_one_is_honoured(
    pool: PgPool,
) {
    let app = TestApp::spawn(pool).await;
    for bad in ["soon", "-1", "4.2", ""] {
        let r = reply(
            app.get_with_header("/v1/claims", "Durand-Dataset-Version", bad)
                .await,
        )
        .await;
        r.assert_bad_parameter("Durand-Dataset-Version");
        assert_eq!(r.headers["cache-control"], "no-store");
    }
    // With one pool there is no replica to lag: any version is read from it.
    let current = app.get("/v1/dataset").await;
    let version = current.headers["durand-dataset-version"].to_str().unwrap();
    for seen in [version, "0", "999999"] {
        let r = reply(
            app.get_with_header("/v1/claims", "Durand-Dataset-Version", seen)
                .await,
        )
        .await;
        assert_eq!(r.status, 200, "{seen}: {}", r.body);
        assert_eq!(r.headers["durand-dataset-version"], version);
    }
}

#[sqlx::test]
async fn a_problem_never_echoes_a_long_value_or_name_back_whole(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let long = "9".repeat(8_000);
    for path in [
        format!("/v1/claims?limit={long}"),
        format!("/v1/claims?{long}=1"),
        format!("/v1/claims?cursor={long}"),
    ] {
        let response = app.request(reqwest::Method::GET, &path).await;
        assert_eq!(response.status(), 400, "{path}");
        let body = response.text().await.unwrap();
        assert!(
            body.len() < 2_000,
            "{} bytes for {}",
            body.len(),
            &path[..30]
        );
        let problem: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(problem["status"], 400);
        assert!(!problem["errors"].as_array().unwrap().is_empty());
    }
}

#[sqlx::test]
async fn errors_from_the_docs_ui_and_the_framework_are_problems_too(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    for path in ["/docs/no-such-file.js", "/docs/swagger-ui/nothing.css"] {
        let response = app.request(reqwest::Method::GET, path).await;
        assert_eq!(response.status(), 404, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
        let problem: serde_json::Value = response.json().await.unwrap();
        assert_eq!(problem["status"], 404);
        assert_eq!(problem["title"], "Not Found");
    }
}

/// Sends `head` (a raw request head) and returns the status code, the headers (lower-cased
/// names) and the body of the answer, read until the server closes the connection.
async fn raw(app: &TestApp, head: &[u8]) -> (u16, String, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = app.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    // The server may answer and close before it has read everything: a failed write is fine.
    let _ = stream.write_all(head).await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let (headers, body) = answer.split_once("\r\n\r\n").expect("a response head");
    let status = headers[9..12].parse().unwrap();
    (status, headers.to_lowercase(), body.to_owned())
}

#[sqlx::test]
async fn the_http_codecs_own_errors_are_problems_too(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    // Too many header fields: 431.
    let mut head = String::from("GET /v1/actors HTTP/1.1\r\nHost: durand\r\n");
    for i in 0..120 {
        head.push_str(&format!("X-Header-{i}: value\r\n"));
    }
    head.push_str("\r\n");
    // A URL over 64 KiB: 400.
    let long = format!(
        "GET /v1/actors?q={} HTTP/1.1\r\nHost: durand\r\n\r\n",
        "a".repeat(70_000)
    );
    for (head, status, words) in [
        (head, 431, "header fields"),
        (long, 400, "URL longer"),
        (
            "GET /v1/actors HTTP/1.1\r\nHost: dur\0and\r\n\r\n".into(),
            400,
            "malformed",
        ),
    ] {
        let (got, headers, body) = raw(&app, head.as_bytes()).await;
        assert_eq!(got, status, "{headers}");
        assert!(
            headers.contains("content-type: application/problem+json"),
            "{headers}"
        );
        assert!(
            headers.contains(&format!("content-length: {}", body.len())),
            "{headers}"
        );
        let problem: serde_json::Value = serde_json::from_str(&body).expect("a problem document");
        assert_eq!(problem["status"], status);
        assert!(
            problem["detail"].as_str().unwrap().contains(words),
            "{problem}"
        );
        assert!(
            body.len() < 400,
            "the problem does not echo the request: {body}"
        );
    }
    // The server still answers, and its own answers are as before.
    assert_eq!(app.get("/v1/actors").await.status, 200);
    app.get("/v1/nope").await.assert_problem(404);
}
