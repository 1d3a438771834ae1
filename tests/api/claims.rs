use serde_json::json;
use sqlx::PgPool;

use crate::helpers::{TestApp, by_id};

#[sqlx::test]
async fn the_133_killed_claim_is_pakistans_unverified_claim_with_its_figures(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let claim = app
        .get_ok("/v1/claims/pakistan-claims-133-taliban-killed")
        .await;
    assert_eq!(claim["claimant"], "pakistan");
    assert_eq!(claim["spokesperson"]["name"], "Mosharraf Zaidi");
    assert_eq!(claim["made_at"]["value"], "2026-02-27");
    assert_eq!(claim["kind"], "casualties");
    assert_eq!(claim["status"], "unverified");
    assert_eq!(claim["incident"], "pakistan-strikes-on-taliban-2026-02-27");
    assert_eq!(claim["sources"], json!(["explainer-2026-02-27"]));
    let killed = &claim["figures"][0];
    assert_eq!(
        (killed["metric"].as_str(), killed["value"].as_i64()),
        (Some("killed"), Some(133))
    );
    assert_eq!(killed["qualifier"], "at_least");
    let wounded = &claim["figures"][1];
    assert_eq!(
        (wounded["value"].as_i64(), wounded["qualifier"].as_str()),
        (Some(200), Some("more_than"))
    );
    assert!(
        claim["quote"]
            .as_str()
            .unwrap()
            .starts_with("A total of 133")
    );
}

#[sqlx::test]
async fn the_talibans_55_soldiers_claim_stands_beside_pakistans(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let body = app.get_ok("/v1/claims?kind=casualties").await;
    let taliban = by_id(&body["data"], "taliban-claim-55-pakistani-soldiers-killed");
    assert_eq!(taliban["claimant"], "afghan-taliban");
    assert_eq!(taliban["figures"][0]["value"], 55);
    assert_eq!(taliban["figures"][0]["qualifier"], "exact");
    assert_eq!(taliban["figures"][0]["subject"], "Pakistani soldiers");
    let dozens = by_id(&body["data"], "october-2025-border-clashes-killed-dozens");
    assert_eq!(dozens["figures"][0]["value"], serde_json::Value::Null);
    assert_eq!(dozens["figures"][0]["qualifier"], "unquantified");
    assert_eq!(dozens["figures"][0]["text"], "dozens");
    assert_eq!(dozens["claimant"], "press-reports");
}

#[sqlx::test]
async fn contradicting_claims_point_at_each_other(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let denial = app
        .get_ok("/v1/claims/afghan-taliban-deny-attacks-from-afghan-soil")
        .await;
    assert_eq!(denial["status"], "disputed");
    for other in denial["contradicted_by"].as_array().unwrap() {
        let accusation = app
            .get_ok(&format!("/v1/claims/{}", other.as_str().unwrap()))
            .await;
        assert_eq!(accusation["status"], "denied");
        assert!(
            accusation["contradicted_by"]
                .as_array()
                .unwrap()
                .contains(&denial["id"])
        );
    }
}

#[sqlx::test]
async fn claims_filter_by_claimant_about_kind_status_and_incident(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let by_ttp = app.ids("/v1/claims?claimant=ttp").await;
    assert_eq!(by_ttp, ["ttp-claimed-bajaur-assault"]);

    let about_islamic_state = app.ids("/v1/claims?about=islamic-state").await;
    assert_eq!(
        about_islamic_state,
        [
            "afghan-taliban-accuse-pakistan-of-harbouring-islamic-state",
            "pakistan-rejects-harbouring-islamic-state"
        ]
    );

    let denials = app.ids("/v1/claims?kind=denial").await;
    assert_eq!(denials.len(), 2);

    let denied = app.ids("/v1/claims?status=denied").await;
    assert_eq!(denied.len(), 3);

    let bajaur = app.ids("/v1/claims?incident=bajaur-assault-2026").await;
    assert_eq!(bajaur.len(), 3);

    let combined = app.ids("/v1/claims?claimant=pakistan&kind=damage&incident=pakistan-strikes-on-taliban-2026-02-27").await;
    assert_eq!(
        combined,
        ["pakistan-claims-taliban-posts-and-bases-destroyed"]
    );

    assert!(app.ids("/v1/claims?claimant=qatar").await.is_empty());
}

#[sqlx::test]
async fn claim_dates_filter_on_overlap(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    // Made on 2026-02-27, "by 2026-02-27" (`../2026-02-27`) or between the 21st and the 27th:
    // every claim may have been made on the 27th.
    let on_27th = app.ids("/v1/claims?from=2026-02-27&to=2026-02-27").await;
    assert_eq!(on_27th.len(), 28, "{on_27th:?}");
    // The range-dated Taliban claims and the undated positions overlap the 22nd.
    let on_22nd = app.ids("/v1/claims?from=2026-02-22&to=2026-02-22").await;
    assert!(on_22nd.contains(&"taliban-claim-55-pakistani-soldiers-killed".to_owned()));
    assert!(on_22nd.contains(&"pakistan-says-ttp-operates-from-afghan-soil".to_owned()));
    assert!(!on_22nd.contains(&"pakistan-claims-133-taliban-killed".to_owned()));
    // An undated claim may have been made any time before the source: it matches `to=2025`;
    // nothing dated matches.
    let by_2025 = app.ids("/v1/claims?to=2025").await;
    assert_eq!(by_2025.len(), 13, "{by_2025:?}");
    for id in &by_2025 {
        let claim = app.get_ok(&format!("/v1/claims/{id}")).await;
        assert_eq!(claim["made_at"]["start"], serde_json::Value::Null, "{id}");
        assert_eq!(claim["made_at"]["value"], "../2026-02-27", "{id}");
    }
    // Nothing was said after the source's date.
    assert!(app.ids("/v1/claims?from=2026-02-28").await.is_empty());
}

#[sqlx::test]
async fn claims_come_in_chronological_order(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let body = app.get_ok("/v1/claims").await;
    let keys: Vec<(String, String)> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                // An open start (null) sorts before every date.
                c["made_at"]["start"].as_str().unwrap_or("").to_owned(),
                c["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert_eq!(keys.len(), 28);
}
