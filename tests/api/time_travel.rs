//! `as_of`: every read as it was at a past dataset version, byte for byte, and cacheable
//! for good.

use chrono::{DateTime, Utc};
use durand::domain::{Change, Dataset, Resource, SourceId};
use durand::store;
use durand::store::history;
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::helpers::TestApp;
use crate::import_export::{database_name, durand, url_of};

const CHANGED_CLAIM: &str = "pakistan-claims-133-taliban-killed";
const ADDED_SOURCE: &str = "added-in-version-2";

/// Version 2: one claim's statement changed and one source added, by an import.
async fn make_version_2(pool: &PgPool) {
    let mut dataset = Dataset::bundled().unwrap();
    let claim = dataset
        .claims
        .iter_mut()
        .find(|c| c.id.as_str() == CHANGED_CLAIM)
        .unwrap();
    claim.statement = "A corrected statement, as an editor would write it.".to_owned();
    let mut added = dataset.sources[0].clone();
    added.id = SourceId::parse(ADDED_SOURCE).unwrap();
    dataset.sources.push(added);
    let report = store::import::import_dataset(pool, &dataset).await.unwrap();
    assert_eq!(report.version, Some(2), "{report:?}");
}

/// Waits until `app` serves `version`: a write made outside the server reaches it by
/// notification, a moment later (the bound only stops a broken server hanging the test).
async fn until_served(app: &TestApp, version: i64) {
    for _ in 0..100 {
        let r = app.request(reqwest::Method::GET, "/v1/dataset").await;
        let served = r
            .headers()
            .get("durand-dataset-version")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<i64>().ok());
        if served == Some(version) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Version 3: the added source deleted, with its tombstone, as an editor's delete does.
async fn delete_added_source(pool: &PgPool) {
    let mut tx = pool.begin().await.unwrap();
    history::lock(&mut tx).await.unwrap();
    let before = store::records::stored_doc(&mut tx, Resource::Sources, ADDED_SOURCE)
        .await
        .unwrap();
    sqlx::query("delete from sources where id = $1")
        .bind(ADDED_SOURCE)
        .execute(&mut *tx)
        .await
        .unwrap();
    let change = Change {
        resource: Resource::Sources,
        id: ADDED_SOURCE.to_owned(),
        before,
        after: None,
        reason: Some("a duplicate".to_owned()),
    };
    let (version, at) = history::commit_version(&mut tx, "editor", &[change])
        .await
        .unwrap();
    assert_eq!(version, 3);
    sqlx::query(
        "insert into tombstones (resource, record_id, version, deleted_at, deleted_by, reason)
         values ('sources', $1, $2, $3, 'editor', 'a duplicate')",
    )
    .bind(ADDED_SOURCE)
    .bind(version)
    .bind(at)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

/// The time dataset version `version` was made.
async fn time_of(pool: &PgPool, version: i64) -> DateTime<Utc> {
    sqlx::query_scalar("select at from dataset_versions where version = $1")
        .bind(version)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// A time as an `as_of` value, encoded for a query string.
fn at(t: DateTime<Utc>) -> String {
    form_urlencoded::byte_serialize(
        t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
            .as_bytes(),
    )
    .collect()
}

/// The status, headers and exact bytes of a GET.
async fn raw(app: &TestApp, path: &str) -> (StatusCode, reqwest::header::HeaderMap, String) {
    let r = app.request(reqwest::Method::GET, path).await;
    let status = r.status();
    let headers = r.headers().clone();
    (status, headers, r.text().await.unwrap())
}

async fn bytes_ok(app: &TestApp, path: &str) -> String {
    let (status, _, body) = raw(app, path).await;
    assert_eq!(status, StatusCode::OK, "GET {path}: {body}");
    body
}

fn header<'a>(headers: &'a reqwest::header::HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .unwrap()
}

#[sqlx::test]
async fn as_of_a_past_version_serves_the_bytes_served_back_then(pool: PgPool) {
    let app = TestApp::spawn(pool.clone()).await;
    let claim_path = format!("/v1/claims/{CHANGED_CLAIM}");
    let claim = bytes_ok(&app, &claim_path).await;
    let csv = bytes_ok(&app, "/v1/claims?format=csv&limit=500").await;
    let page: serde_json::Value =
        serde_json::from_str(&bytes_ok(&app, "/v1/claims?limit=5").await).unwrap();
    let export = bytes_ok(&app, "/v1/export").await;
    let dataset = bytes_ok(&app, "/v1/dataset").await;
    let sources = bytes_ok(&app, "/v1/sources?limit=500").await;
    let search = bytes_ok(&app, "/v1/search?q=Taliban").await;

    make_version_2(&pool).await;
    until_served(&app, 2).await;

    let now = bytes_ok(&app, &claim_path).await;
    assert_ne!(now, claim, "the change shows without as_of");
    assert!(now.contains("A corrected statement"));
    assert_eq!(
        bytes_ok(&app, &format!("{claim_path}?as_of=1")).await,
        claim
    );
    assert_eq!(
        bytes_ok(&app, "/v1/claims?format=csv&limit=500&as_of=1").await,
        csv
    );
    assert_eq!(bytes_ok(&app, "/v1/export?as_of=1").await, export);
    assert_eq!(bytes_ok(&app, "/v1/dataset?as_of=1").await, dataset);
    assert_ne!(bytes_ok(&app, "/v1/dataset").await, dataset);

    // A JSON page differs only in its links, which keep `as_of` for the next page.
    let past = app.get_ok("/v1/claims?limit=5&as_of=1").await;
    assert_eq!(past["data"], page["data"]);
    assert_eq!(past["meta"], page["meta"]);
    assert_eq!(past["links"]["self"], "/v1/claims?limit=5&as_of=1");
    let next = past["links"]["next"].as_str().unwrap();
    assert!(next.contains("as_of=1"), "{next}");
    let walked = app.walk("/v1/claims?as_of=1", 7).await;
    assert_eq!(walked.len(), 28);

    // The added source is not there at version 1, in the collection or in search.
    let past_sources = app.get_ok("/v1/sources?limit=500&as_of=1").await;
    let before: serde_json::Value = serde_json::from_str(&sources).unwrap();
    assert_eq!(past_sources["data"], before["data"]);
    let past_search = app.get_ok("/v1/search?q=Taliban&as_of=1").await;
    let before: serde_json::Value = serde_json::from_str(&search).unwrap();
    assert_eq!(past_search["data"], before["data"]);
}

#[sqlx::test]
async fn as_of_the_same_request_twice_gives_the_same_bytes_and_etag(pool: PgPool) {
    let app = TestApp::spawn(pool.clone()).await;
    make_version_2(&pool).await;
    until_served(&app, 2).await;
    for path in [
        "/v1/claims?as_of=1",
        "/v1/export?as_of=1",
        "/v1/incidents?as_of=1&format=geojson",
        "/v1/timeline?as_of=1",
        "/v1/force-comparison?actors=pakistan,afghan-taliban&as_of=1",
        "/v1/actors/ttp/claims?as_of=1",
    ] {
        let (s1, h1, b1) = raw(&app, path).await;
        let (s2, h2, b2) = raw(&app, path).await;
        assert_eq!((s1, s2), (StatusCode::OK, StatusCode::OK), "{path}");
        assert_eq!(b1, b2, "{path}");
        assert_eq!(header(&h1, "etag"), header(&h2, "etag"), "{path}");
    }
}

#[sqlx::test]
async fn as_of_responses_name_their_version_and_are_immutable(pool: PgPool) {
    let app = TestApp::spawn(pool.clone()).await;
    make_version_2(&pool).await;
    until_served(&app, 2).await;
    let t1 = time_of(&pool, 1).await;
    for path in [
        "/v1/claims?as_of=1",
        "/v1/export?as_of=1",
        "/v1/actors/ttp?as_of=1",
    ] {
        let (status, headers, _) = raw(&app, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(header(&headers, "durand-dataset-version"), "1", "{path}");
        assert_eq!(
            header(&headers, "cache-control"),
            "public, max-age=31536000, immutable",
            "{path}"
        );
        let last_modified = DateTime::parse_from_rfc2822(header(&headers, "last-modified"))
            .unwrap()
            .timestamp();
        assert_eq!(last_modified, t1.timestamp(), "{path}");
    }
    // Without as_of: the current version, cached briefly.
    let (_, headers, _) = raw(&app, "/v1/claims").await;
    assert_eq!(header(&headers, "durand-dataset-version"), "2");
    assert!(header(&headers, "cache-control").contains("max-age=60"));

    // A conditional request for a past version is answered 304 from its own validators.
    let (_, headers, _) = raw(&app, "/v1/export?as_of=1").await;
    let etag = header(&headers, "etag").to_owned();
    let r = app
        .get_with_header("/v1/export?as_of=1", "If-None-Match", &etag)
        .await;
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(r.headers()["durand-dataset-version"], "1");
}

#[sqlx::test]
async fn as_of_a_time_means_the_latest_version_made_by_then(pool: PgPool) {
    let app = TestApp::spawn(pool.clone()).await;
    make_version_2(&pool).await;
    until_served(&app, 2).await;
    let (t1, t2) = (time_of(&pool, 1).await, time_of(&pool, 2).await);
    assert!(t2 > t1);
    let between = t2 - chrono::Duration::microseconds(1);
    for (time, version) in [(t1, 1), (between, 1), (t2, 2), (Utc::now(), 2)] {
        let path = format!("/v1/dataset?as_of={}", at(time));
        let (status, headers, body) = raw(&app, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        assert_eq!(
            header(&headers, "durand-dataset-version"),
            version.to_string(),
            "{path}"
        );
        let body: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body["version"], version, "{path}");
    }
    // The same instant with another offset, and with `+` sent unencoded (a space).
    let plus = t1.with_timezone(&chrono::FixedOffset::east_opt(5 * 3600).unwrap());
    let text = plus.to_rfc3339_opts(chrono::SecondsFormat::Micros, false);
    let claim = format!("/v1/claims/{CHANGED_CLAIM}");
    let past = bytes_ok(&app, &format!("{claim}?as_of=1")).await;
    assert_eq!(
        bytes_ok(&app, &format!("{claim}?as_of={}", text.replace('+', "%2B"))).await,
        past
    );
    assert_eq!(bytes_ok(&app, &format!("{claim}?as_of={text}")).await, past);
}

#[sqlx::test]
async fn bad_as_of_values_are_400_problems_that_say_what_is_allowed(pool: PgPool) {
    let app = TestApp::spawn(pool.clone()).await;
    make_version_2(&pool).await;
    until_served(&app, 2).await;
    let t1 = time_of(&pool, 1).await;
    let future = at(Utc::now() + chrono::Duration::days(1));
    let before = at(t1 - chrono::Duration::seconds(1));
    let cases = [
        ("0", "a whole number from 1"),
        ("abc", "RFC 3339"),
        ("-1", "a whole number from 1"),
        ("2026-03-01", "RFC 3339"),
        ("3", "from 1 to 2"),
        ("99999999999", "from 1 to 2"),
        (future.as_str(), "future"),
        (before.as_str(), "before the first dataset version"),
    ];
    for path in [
        "/v1/claims",
        "/v1/claims/pakistan-claims-133-taliban-killed",
        "/v1/export",
        "/v1/dataset",
        "/v1/actors/ttp/incidents",
    ] {
        for (value, says) in cases {
            let url = format!("{path}?as_of={value}");
            let r = app.get(&url).await;
            let detail = r.assert_bad_parameter("as_of");
            assert!(detail.contains(says), "{url}: {detail}");
            assert_eq!(r.headers["cache-control"], "no-store");
        }
    }
    app.get("/v1/claims?as_of=1&as_of=2")
        .await
        .assert_bad_parameter("as_of");
    // Single records now take parameters, and refuse unknown ones like every read.
    app.get("/v1/actors/ttp?colour=red")
        .await
        .assert_bad_parameter("colour");
}

#[sqlx::test]
async fn a_record_added_later_is_not_found_as_of_before(pool: PgPool) {
    let app = TestApp::spawn(pool.clone()).await;
    make_version_2(&pool).await;
    until_served(&app, 2).await;
    let path = format!("/v1/sources/{ADDED_SOURCE}");
    app.get_ok(&path).await;
    app.get_ok(&format!("{path}?as_of=2")).await;
    app.get(&format!("{path}?as_of=1"))
        .await
        .assert_problem(404);
}

#[sqlx::test]
async fn a_deleted_record_is_gone_with_its_tombstone(pool: PgPool) {
    let app = TestApp::spawn(pool.clone()).await;
    make_version_2(&pool).await;
    until_served(&app, 2).await;
    delete_added_source(&pool).await;
    let path = format!("/v1/sources/{ADDED_SOURCE}");
    for url in [path.clone(), format!("{path}?as_of=3")] {
        let r = app.get(&url).await;
        let body = r.assert_problem(410);
        let tombstone = &body["tombstone"];
        assert_eq!(tombstone["resource"], "sources", "{url}");
        assert_eq!(tombstone["id"], ADDED_SOURCE);
        assert_eq!(tombstone["version"], 3);
        assert_eq!(tombstone["deleted_by"], "editor");
        assert_eq!(tombstone["reason"], "a duplicate");
    }
    // It existed at version 2, and not yet at version 1.
    app.get_ok(&format!("{path}?as_of=2")).await;
    app.get(&format!("{path}?as_of=1"))
        .await
        .assert_problem(404);
    let ids = app.ids("/v1/sources?limit=500&as_of=2").await;
    assert!(ids.iter().any(|id| id == ADDED_SOURCE));
    let ids = app.ids("/v1/sources?limit=500").await;
    assert!(!ids.iter().any(|id| id == ADDED_SOURCE));

    // A deleted actor's sub-collections are gone too.
    sqlx::query(
        "insert into tombstones (resource, record_id, version, deleted_at, deleted_by, reason)
         values ('actors', 'a-deleted-actor', 3, now(), 'editor', 'never existed')",
    )
    .execute(&pool)
    .await
    .unwrap();
    for sub in ["claims", "incidents", "force-figures"] {
        let r = app.get(&format!("/v1/actors/a-deleted-actor/{sub}")).await;
        assert_eq!(r.assert_problem(410)["tombstone"]["id"], "a-deleted-actor");
        app.get(&format!("/v1/actors/a-deleted-actor/{sub}?as_of=2"))
            .await
            .assert_problem(404);
    }
}

#[sqlx::test]
async fn the_export_command_prints_the_dataset_as_of_a_version(pool: PgPool) {
    let url = url_of(&database_name(&pool).await);
    durand(
        &url,
        &["import", concat!(env!("CARGO_MANIFEST_DIR"), "/data")],
    );
    let before = durand(&url, &["export"]);
    make_version_2(&pool).await;
    let now = durand(&url, &["export"]);
    assert_ne!(now, before);
    assert_eq!(durand(&url, &["export", "--as-of", "1"]), before);
    assert_eq!(durand(&url, &["export", "--as-of", "2"]), now);
    let t1 = time_of(&pool, 1).await;
    let time = t1.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    assert_eq!(durand(&url, &["export", "--as-of", &time]), before);

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_durand"))
        .args(["export", "--as-of", "9"])
        .env("DATABASE_URL", &url)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("from 1 to 2"), "{stderr}");
}

/// What reading past versions leaves behind: nothing. No schema, table or row is created
/// however many versions are read, however often, and the pool is the only one.
#[sqlx::test]
async fn reading_every_version_builds_nothing_and_never_changes_the_current_data(pool: PgPool) {
    let app = TestApp::spawn(pool.clone()).await;
    make_version_2(&pool).await;
    until_served(&app, 2).await;
    let relations = || async {
        sqlx::query_scalar::<_, i64>(
            "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')",
        )
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    let rows = || async {
        sqlx::query_scalar::<_, i64>(
            "select (select count(*) from history.claims) + (select count(*) from public.claims)",
        )
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    let (relations_before, rows_before) = (relations().await, rows().await);
    // Concurrent reads of both versions, every kind of endpoint.
    let paths = [
        "/v1/export?as_of=1",
        "/v1/claims?as_of=1&limit=500",
        "/v1/incidents?as_of=2&format=geojson",
        "/v1/search?q=Bajaur&as_of=1",
        "/v1/timeline?as_of=1",
        "/v1/dataset?as_of=1",
        "/v1/force-comparison?actors=pakistan,afghan-taliban&as_of=1",
    ];
    let requests = (0..3).flat_map(|_| paths.iter().map(|p| bytes_ok(&app, p)));
    let bodies = futures_util::future::join_all(requests).await;
    assert!(bodies.iter().all(|b| !b.is_empty()));
    assert_eq!(
        bodies[0],
        bodies[paths.len()],
        "the same request, the same bytes"
    );
    assert_eq!(
        relations().await,
        relations_before,
        "a read created a relation"
    );
    // Every connection the reads used came from the one pool: no pool per version. (The
    // version listener holds one connection of its own, outside the pool.)
    let connections: i64 = sqlx::query_scalar(
        "select count(*) from pg_stat_activity
         where datname = current_database() and application_name <> 'durand-listener'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let bound = i64::from(pool.options().get_max_connections());
    assert!(
        connections <= bound,
        "{connections} connections, pool bound {bound}"
    );
    assert_eq!(rows().await, rows_before, "a read wrote a row");
    let copies: i64 =
        sqlx::query_scalar("select count(*) from pg_namespace where nspname ~ '^asof_[0-9]+$'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(copies, 0);
    // The current data is untouched, and current reads do not see the past.
    let claim = app.get_ok(&format!("/v1/claims/{CHANGED_CLAIM}")).await;
    assert!(claim["statement"].as_str().unwrap().contains("corrected"));
    let version: i64 = sqlx::query_scalar("select version from dataset_meta")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(version, 2);
}
