use sqlx::PgPool;

use crate::helpers::TestApp;

#[sqlx::test]
async fn collections_sort_by_the_documented_fields_both_ways(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let by_id = app.ids("/v1/claims?sort=id&limit=500").await;
    let mut sorted = by_id.clone();
    sorted.sort();
    assert_eq!(by_id, sorted);
    let mut reversed = by_id.clone();
    reversed.reverse();
    assert_eq!(app.ids("/v1/claims?sort=-id&limit=500").await, reversed);

    let newest_first = app.get_ok("/v1/incidents?sort=-date").await;
    let starts: Vec<&str> = newest_first["data"]
        .as_array()
        .unwrap()
        .iter()
        // An open start (`../2016`) is null and sorts before every date.
        .map(|i| i["date"]["start"].as_str().unwrap_or(""))
        .collect();
    let mut desc = starts.clone();
    desc.sort_by(|a, b| b.cmp(a));
    assert_eq!(starts, desc);
    assert_eq!(starts[0], "2026-02-27");

    let names = app.get_ok("/v1/actors?sort=name").await;
    let names: Vec<&str> = names["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    let mut sorted_names = names.clone();
    sorted_names.sort();
    assert_eq!(names, sorted_names);
    assert_eq!(
        app.ids("/v1/force-figures?sort=-metric&limit=1").await,
        ["pakistan-nuclear-armed"]
    );
}

#[sqlx::test]
async fn walking_a_descending_sort_returns_every_record_once(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    for (path, all) in [
        ("/v1/claims?sort=-made_at", 28),
        ("/v1/actors?sort=-name", 16),
        ("/v1/incidents?sort=-date", 10),
    ] {
        let ids: Vec<String> = app
            .walk(path, 4)
            .await
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect();
        let full = app.ids(&format!("{path}&limit=500")).await;
        assert_eq!(ids, full, "{path}");
        assert_eq!(ids.len(), all, "{path}");
    }
}

#[sqlx::test]
async fn a_bad_sort_is_a_400_listing_the_allowed_ones(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let detail = app
        .get("/v1/claims?sort=claimant")
        .await
        .assert_bad_parameter("sort");
    assert!(
        detail.contains("`made_at`") && detail.contains("`-id`"),
        "{detail}"
    );
    app.get("/v1/incidents?sort=made_at")
        .await
        .assert_bad_parameter("sort");
    app.get("/v1/actors?sort=")
        .await
        .assert_bad_parameter("sort");
}

#[sqlx::test]
async fn a_cursor_from_another_sort_is_a_400(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let page = app.get_ok("/v1/claims?sort=id&limit=2").await;
    let cursor = page["meta"]["next_cursor"].as_str().unwrap();
    let detail = app
        .get(&format!("/v1/claims?sort=-id&cursor={cursor}"))
        .await
        .assert_bad_parameter("cursor");
    assert!(detail.contains("sort"), "{detail}");
}

#[sqlx::test]
async fn totals_are_counted_only_when_asked(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let plain = app.get_ok("/v1/claims?limit=2").await;
    assert!(plain["meta"].get("total").is_none());
    let counted = app
        .get_ok("/v1/claims?limit=2&count=true&claimant=pakistan")
        .await;
    assert_eq!(counted["meta"]["total"], 11);
    assert_eq!(counted["meta"]["count"], 2);
    assert_eq!(
        app.get_ok("/v1/incidents?count=true&country=AF").await["meta"]["total"],
        3
    );
    assert_eq!(
        app.get_ok("/v1/actors/afghan-taliban/force-figures?count=true")
            .await["meta"]["total"],
        5
    );
    app.get("/v1/claims?count=maybe")
        .await
        .assert_bad_parameter("count");
}

#[sqlx::test]
async fn attribution_sentences_name_who_when_verification_and_source(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    // Every served sentence is the pinned one (tests/snapshots/attributions.txt, checked
    // against the generator by tests/source_audit.rs).
    let pinned = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/snapshots/attributions.txt"
    ))
    .unwrap();
    let lines: Vec<&str> = pinned.lines().collect();
    let mut checked = 0;
    for pair in lines.chunks(2) {
        let [record, sentence] = pair else {
            panic!("the snapshot holds pairs of lines")
        };
        let served = app.get_ok(&format!("/v1/{record}")).await;
        assert_eq!(served["attribution"], sentence.trim(), "{record}");
        checked += 1;
    }
    assert_eq!(checked, 38, "every claim and force figure");
    let comparison = app
        .get_ok("/v1/force-comparison?actors=pakistan,afghan-taliban")
        .await;
    assert!(
        comparison["metrics"][0]["actors"][1]["figures"][0]["attribution"]
            .as_str()
            .unwrap()
            .starts_with("The Afghan Taliban: 172,000 personnel, stated in the source's own voice")
    );
    // Attribution is generated, never stored: exports do not carry it.
    let stored: Option<String> =
        sqlx::query_scalar("select doc->>'attribution' from claims limit 1")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(stored, None);
}
