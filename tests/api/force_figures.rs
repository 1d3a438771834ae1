use sqlx::PgPool;

use crate::helpers::{TestApp, by_id};

#[sqlx::test]
async fn force_figures_carry_claimant_source_and_year(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let body = app.get_ok("/v1/force-figures").await;
    assert_eq!(body["data"].as_array().unwrap().len(), 8);
    let personnel = by_id(&body["data"], "pakistan-active-personnel-2025");
    assert_eq!(personnel["value"], 600000);
    assert_eq!(personnel["qualifier"], "more_than");
    assert_eq!(personnel["claimant"], "iiss");
    assert_eq!(personnel["as_of"]["value"], "2025");
    assert_eq!(personnel["as_of"]["precision"], "year");
    assert_eq!(
        personnel["sources"],
        serde_json::json!(["iiss-2025", "explainer-2026-02-27"])
    );
    let taliban = by_id(&body["data"], "afghan-taliban-active-personnel-2025");
    assert_eq!(taliban["value"], 172000);
    assert_eq!(taliban["qualifier"], "exact");
    let jets = by_id(&body["data"], "afghan-taliban-fighter-jets-2025");
    assert_eq!(
        (jets["value"].as_i64(), jets["qualifier"].as_str()),
        (Some(0), Some("exact"))
    );
    let nuclear = by_id(&body["data"], "pakistan-nuclear-armed");
    assert_eq!(nuclear["value"], serde_json::Value::Null);
    assert_eq!(nuclear["text"], "nuclear-armed");
}

#[sqlx::test]
async fn force_figures_filter_by_actor_metric_and_dated(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    assert_eq!(
        app.ids("/v1/force-figures?actor=afghan-taliban")
            .await
            .len(),
        4
    );
    assert_eq!(
        app.ids("/v1/force-figures?actor=pakistan,afghan-taliban")
            .await
            .len(),
        8
    );
    assert_eq!(
        app.ids("/v1/force-figures?metric=active_personnel").await,
        [
            "afghan-taliban-active-personnel-2025",
            "pakistan-active-personnel-2025"
        ]
    );
    assert_eq!(app.ids("/v1/force-figures?dated=2025").await.len(), 7);
    assert_eq!(
        app.ids("/v1/force-figures?dated=2026-02").await,
        ["pakistan-nuclear-armed"]
    );
    assert!(app.ids("/v1/force-figures?dated=2024").await.is_empty());
    assert_eq!(
        app.ids("/v1/force-figures?actor=pakistan&metric=combat_aircraft&dated=2025")
            .await,
        ["pakistan-combat-aircraft-2025"]
    );
}

#[sqlx::test]
async fn pakistan_has_about_3_49_times_the_talibans_active_personnel(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let body = app
        .get_ok("/v1/force-comparison?actors=pakistan,afghan-taliban")
        .await;
    assert_eq!(
        body["actors"],
        serde_json::json!(["pakistan", "afghan-taliban"])
    );
    let metrics = body["metrics"].as_array().unwrap();
    let personnel = metrics
        .iter()
        .find(|m| m["metric"] == "active_personnel")
        .unwrap();
    assert_eq!(personnel["ratio"]["value"], 3.49);
    assert_eq!(
        personnel["ratio"]["numerator"],
        "pakistan-active-personnel-2025"
    );
    assert_eq!(
        personnel["ratio"]["denominator"],
        "afghan-taliban-active-personnel-2025"
    );
    assert_eq!(
        personnel["ratio"]["exact"], false,
        "Pakistan's figure is 'more than'"
    );
    let sides = personnel["actors"].as_array().unwrap();
    assert_eq!(sides[0]["actor"], "pakistan");
    assert_eq!(sides[0]["figures"][0]["value"], 600000);
    assert_eq!(sides[0]["figures"][0]["sources"][0], "iiss-2025");
    assert_eq!(sides[1]["figures"][0]["value"], 172000);
    // Metrics only one side has are listed, with an empty side and no ratio.
    let helicopters = metrics
        .iter()
        .find(|m| m["metric"] == "helicopters")
        .unwrap();
    assert_eq!(helicopters["actors"][0]["figures"], serde_json::json!([]));
    assert_eq!(helicopters["ratio"], serde_json::Value::Null);
    assert_eq!(metrics.len(), 7);
}

#[sqlx::test]
async fn the_comparison_reverses_with_the_actor_order_and_filters_by_metric(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let body = app
        .get_ok("/v1/force-comparison?actors=afghan-taliban,pakistan&metric=active_personnel")
        .await;
    assert_eq!(body["metrics"].as_array().unwrap().len(), 1);
    assert_eq!(body["metrics"][0]["ratio"]["value"], 0.29);
}

#[sqlx::test]
async fn the_comparison_rejects_bad_actor_lists(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.get("/v1/force-comparison")
        .await
        .assert_bad_parameter("actors");
    app.get("/v1/force-comparison?actors=pakistan")
        .await
        .assert_bad_parameter("actors");
    let twice = app
        .get("/v1/force-comparison?actors=pakistan,pakistan")
        .await
        .assert_bad_parameter("actors");
    assert!(twice.contains("twice"));
    app.get("/v1/force-comparison?actors=pakistan,Taliban")
        .await
        .assert_bad_parameter("actors");
    app.get("/v1/force-comparison?actors=pakistan,nobody")
        .await
        .assert_problem(404);
}
