use std::collections::HashSet;

use sqlx::PgPool;

use crate::helpers::TestApp;

/// The ids of every page of `path` walked with `limit`.
async fn walk(app: &TestApp, path: &str, limit: u32) -> Vec<String> {
    app.walk(path, limit)
        .await
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

#[sqlx::test]
async fn walking_every_page_returns_every_record_exactly_once(pool: PgPool) {
    // Some 150 requests in a few seconds: more than the default burst for one client.
    let mut settings = durand::config::ServerSettings::default();
    settings.rate_limit.per_minute = 0;
    let app = TestApp::spawn_with(pool, settings).await;
    let counts = app.get_ok("/v1/dataset").await["counts"].clone();
    let collections = [
        ("/v1/actors", "actors"),
        ("/v1/sources", "sources"),
        ("/v1/claims", "claims"),
        ("/v1/incidents", "incidents"),
        ("/v1/force-figures", "force_figures"),
    ];
    for (path, name) in collections {
        let all = app.ids(&format!("{path}?limit=500")).await;
        assert_eq!(all.len() as u64, counts[name].as_u64().unwrap(), "{path}");
        for limit in [1, 2, 3, 7] {
            let walked = walk(&app, path, limit).await;
            assert_eq!(walked, all, "{path} with limit={limit}");
            assert_eq!(walked.iter().collect::<HashSet<_>>().len(), walked.len());
        }
    }
}

#[sqlx::test]
async fn filters_are_kept_across_pages(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let walked = walk(&app, "/v1/claims?claimant=pakistan&from=2026-02-01", 2).await;
    let all = app
        .ids("/v1/claims?claimant=pakistan&from=2026-02-01")
        .await;
    assert_eq!(walked, all);
    assert_eq!(all.len(), 11);
    let walked = walk(&app, "/v1/actors/afghan-taliban/incidents", 1).await;
    assert_eq!(walked.len(), 6);
}

#[sqlx::test]
async fn a_cursor_stays_valid_when_records_are_added_before_it(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let first = app.get_ok("/v1/sources?limit=2").await;
    let cursor = first["meta"]["next_cursor"].as_str().unwrap().to_owned();
    // A new source sorting before the cursor must not shift the next page (as offsets would).
    let mut dataset = durand::domain::Dataset::bundled().unwrap();
    let mut early = dataset.sources[0].clone();
    early.id = durand::domain::SourceId::parse("aaa-new-source").unwrap();
    early.cited_in = None;
    dataset.sources.push(early);
    durand::store::import::import_dataset(&app.pool, &dataset)
        .await
        .unwrap();
    let next = app
        .ids(&format!("/v1/sources?limit=2&cursor={cursor}"))
        .await;
    assert_eq!(next, ["reuters-conflict-monitoring"]);
}

#[sqlx::test]
async fn a_forged_cursor_holding_a_nul_or_a_key_out_of_range_is_a_400_problem_not_a_500(
    pool: PgPool,
) {
    use base64::Engine;
    let app = TestApp::spawn(pool).await;
    let forge = |payload: serde_json::Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(payload.to_string())
    };
    for (path, payload) in [
        (
            "/v1/claims?",
            serde_json::json!({"c": "claims", "s": "made_at", "k": ["2026-02-01"], "i": "a\u{0}b"}),
        ),
        (
            "/v1/actors?sort=name&",
            serde_json::json!({"c": "actors", "s": "name", "k": ["x\u{0}"], "i": "ttp"}),
        ),
        (
            "/v1/search?q=Bajaur&",
            serde_json::json!({"c": "search", "s": "rank", "k": [0.5, "claim"], "i": "a\u{0}"}),
        ),
        (
            "/v1/timeline?",
            serde_json::json!({"c": "timeline", "s": "date", "k": ["2016-01-01", "2016-12-31", "incident\u{0}"], "i": "x"}),
        ),
        // Keys that parse but that the database cannot hold: dates before 4713 BC (and
        // beyond the dataset's years 1 to 9999), an infinite rank, a negative version.
        (
            "/v1/claims?",
            serde_json::json!({"c": "claims", "s": "made_at", "k": ["-5000-01-01"], "i": "x"}),
        ),
        (
            "/v1/incidents?",
            serde_json::json!({"c": "incidents", "s": "date", "k": ["+12000-01-01"], "i": "x"}),
        ),
        (
            "/v1/timeline?",
            serde_json::json!({"c": "timeline", "s": "date", "k": ["-4714-01-01", "2016-12-31", "incident"], "i": "x"}),
        ),
        (
            "/v1/search?q=Bajaur&",
            serde_json::json!({"c": "search", "s": "rank", "k": [1e39, "claim"], "i": "x"}),
        ),
        (
            "/v1/changes?",
            serde_json::json!({"c": "changes", "s": "version", "k": [-1, "claims"], "i": "x"}),
        ),
    ] {
        let url = format!("{path}cursor={}", forge(payload));
        app.get(&url).await.assert_bad_parameter("cursor");
    }
}
