use sqlx::PgPool;

use crate::helpers::{TestApp, by_id};

#[sqlx::test]
async fn force_figures_carry_claimant_source_and_year(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let body = app.get_ok("/v1/force-figures").await;
    assert_eq!(body["data"].as_array().unwrap().len(), 10);
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
    // The source gives the Taliban's figures in its own voice, undated: not IISS, not 2025.
    let taliban = by_id(&body["data"], "afghan-taliban-active-personnel-2025");
    assert_eq!(taliban["value"], 172000);
    assert_eq!(taliban["qualifier"], "exact");
    assert_eq!(taliban["claimant"], "press-reports");
    assert_eq!(
        taliban["sources"],
        serde_json::json!(["explainer-2026-02-27"])
    );
    assert_eq!(
        taliban["as_of"],
        serde_json::json!({"value": "../2026-02-27", "precision": "range", "start": null, "end": "2026-02-27"})
    );
    assert_eq!(taliban["as_of_basis"], "bounded");
    assert_eq!(
        taliban["evidence"][0]["span"],
        "At 172,000, the Taliban have less than a third of Pakistan’s personnel"
    );
    assert!(taliban["inference"].as_str().is_some());
    let attribution = taliban["attribution"].as_str().unwrap();
    assert!(
        attribution.contains("in the source's own voice") && attribution.contains("undated"),
        "{attribution}"
    );
    assert!(
        !attribution.contains("International Institute"),
        "{attribution}"
    );
    let aircraft = by_id(&body["data"], "afghan-taliban-aircraft-2025");
    assert_eq!(aircraft["caveat"], "their condition is unknown");
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
        5
    );
    assert_eq!(
        app.ids("/v1/force-figures?actor=pakistan,afghan-taliban")
            .await
            .len(),
        10
    );
    assert_eq!(
        app.ids("/v1/force-figures?metric=active_personnel").await,
        [
            "afghan-taliban-active-personnel-2025",
            "pakistan-active-personnel-2025"
        ]
    );
    // Undated figures (`../2026-02-27`: the Taliban's, and Pakistan's in the source's own
    // voice) may describe any period up to the source's date, so they match every earlier
    // period; Pakistan's IISS figures are 2025's.
    let taliban_undated = app.ids("/v1/force-figures?actor=afghan-taliban").await;
    assert_eq!(app.ids("/v1/force-figures?dated=2025").await.len(), 10);
    let mut in_february = app.ids("/v1/force-figures?dated=2026-02").await;
    in_february.sort();
    let mut expected = taliban_undated.clone();
    expected.extend([
        "pakistan-combat-aircraft-hundreds".into(),
        "pakistan-nuclear-armed".into(),
    ]);
    expected.sort();
    assert_eq!(in_february, expected);
    // Before 2025 only the undated figures can match.
    let mut in_2024 = app.ids("/v1/force-figures?dated=2024").await;
    in_2024.sort();
    assert_eq!(in_2024, expected);
    assert!(app.ids("/v1/force-figures?dated=2026-03").await.is_empty());
    assert_eq!(
        app.ids("/v1/force-figures?actor=pakistan&metric=combat_aircraft&dated=2025")
            .await,
        [
            "pakistan-combat-aircraft-2025",
            "pakistan-combat-aircraft-hundreds"
        ]
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
    assert_eq!(metrics.len(), 8);
    // The source's own comparison stands beside the computed ratio, in its words.
    let stated = personnel["stated"].as_array().unwrap();
    assert_eq!(stated.len(), 1, "{stated:?}");
    assert_eq!(
        stated[0]["id"],
        "source-compares-taliban-personnel-to-pakistan"
    );
    assert_eq!(
        stated[0]["figures"][0]["text"],
        "less than a third of Pakistan’s personnel"
    );
    assert!(stated[0]["attribution"].as_str().is_some());
    assert_eq!(helicopters["stated"], serde_json::json!([]));
    // A dated figure comes before an undated one: "more than 400" (2025) before "hundreds".
    let aircraft = metrics
        .iter()
        .find(|m| m["metric"] == "combat_aircraft")
        .unwrap();
    let ids: Vec<&str> = aircraft["actors"][0]["figures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "pakistan-combat-aircraft-2025",
            "pakistan-combat-aircraft-hundreds"
        ]
    );
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
