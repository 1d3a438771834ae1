use sqlx::PgPool;

use crate::helpers::TestApp;

#[sqlx::test]
async fn sources_are_listed_and_filtered_by_kind(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    assert_eq!(
        app.ids("/v1/sources").await,
        [
            "explainer-2026-02-27",
            "iiss-2025",
            "reuters-conflict-monitoring"
        ]
    );
    assert_eq!(app.ids("/v1/sources?kind=think_tank").await, ["iiss-2025"]);
    assert!(
        app.ids("/v1/sources?kind=official_statement")
            .await
            .is_empty()
    );
}

#[sqlx::test]
async fn the_iiss_source_says_how_durand_knows_it(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let iiss = app.get_ok("/v1/sources/iiss-2025").await;
    assert_eq!(
        iiss["publisher"],
        "International Institute for Strategic Studies"
    );
    assert_eq!(iiss["author"], "iiss");
    // The monitor behind the militancy data is not named: Reuters only cited it.
    let monitor = app.get_ok("/v1/sources/reuters-conflict-monitoring").await;
    assert_eq!(monitor["publisher"], serde_json::Value::Null);
    assert_eq!(monitor["author"], "unnamed-conflict-monitor");
    assert_eq!(iiss["published"]["value"], "2025");
    assert_eq!(iiss["cited_in"], "explainer-2026-02-27");
    let explainer = app.get_ok("/v1/sources/explainer-2026-02-27").await;
    assert_eq!(explainer["published"]["precision"], "day");
    assert_eq!(explainer["publisher"], serde_json::Value::Null);
    app.get("/v1/sources/unknown-source")
        .await
        .assert_problem(404);
}
