use sqlx::PgPool;

use crate::helpers::{TestApp, by_id};

#[sqlx::test]
async fn actors_are_listed_in_id_order_with_their_kinds(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let body = app.get_ok("/v1/actors").await;
    let ids: Vec<&str> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
    for id in [
        "pakistan",
        "afghan-taliban",
        "ttp",
        "baloch-insurgents",
        "islamic-state",
        "turkey",
        "qatar",
        "saudi-arabia",
        "iiss",
    ] {
        assert!(ids.contains(&id), "missing actor {id}");
    }
    assert_eq!(
        by_id(&body["data"], "afghan-taliban")["kind"],
        "de_facto_government"
    );
    assert_eq!(by_id(&body["data"], "pakistan")["country"], "PK");
    assert_eq!(body["meta"]["next_cursor"], serde_json::Value::Null);
}

#[sqlx::test]
async fn actors_filter_by_kind_and_country(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let mediators = app.ids("/v1/actors?kind=state").await;
    assert_eq!(mediators, ["pakistan", "qatar", "saudi-arabia", "turkey"]);
    let pakistani = app.ids("/v1/actors?country=PK").await;
    assert_eq!(pakistani, ["baloch-insurgents", "pakistan", "ttp"]);
    assert_eq!(
        app.ids("/v1/actors?kind=armed_group&country=PK").await,
        ["baloch-insurgents", "ttp"]
    );
}

#[sqlx::test]
async fn the_ttp_keeps_its_aliases_and_founding_year(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let ttp = app.get_ok("/v1/actors/ttp").await;
    assert_eq!(ttp["name"], "Tehreek-e-Taliban Pakistan");
    assert_eq!(
        ttp["aliases"],
        serde_json::json!(["TTP", "Pakistani Taliban"])
    );
    assert_eq!(ttp["founded"]["value"], "2007");
    assert_eq!(ttp["founded"]["precision"], "year");
    let relation = &ttp["relations"][0];
    assert_eq!(relation["actor"], "afghan-taliban");
    assert_eq!(relation["kind"], "fought_alongside");
    assert_eq!(relation["sources"][0], "explainer-2026-02-27");
}

#[sqlx::test]
async fn an_actors_claims_are_the_ones_it_made(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let body = app.get_ok("/v1/actors/afghan-taliban/claims").await;
    let claims = body["data"].as_array().unwrap();
    assert_eq!(claims.len(), 6);
    assert!(claims.iter().all(|c| c["claimant"] == "afghan-taliban"));
    let casualty = app
        .ids("/v1/actors/afghan-taliban/claims?kind=casualties")
        .await;
    // Undated ("by 27 February 2026") sorts before the estimated 21–27 February.
    assert_eq!(
        casualty,
        [
            "afghan-taliban-reported-heavy-losses",
            "taliban-claim-55-pakistani-soldiers-killed"
        ]
    );
    let disputed = app.ids("/v1/actors/pakistan/claims?status=disputed").await;
    assert_eq!(disputed, ["pakistan-rejects-harbouring-islamic-state"]);
}

#[sqlx::test]
async fn an_actors_incidents_include_every_role(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let ttp = app.ids("/v1/actors/ttp/incidents").await;
    // The offensive is known only by its end (`../2016`): an open start sorts first.
    assert_eq!(
        ttp,
        [
            "pakistan-offensive-against-ttp-ended-2016",
            "attack-on-malala-yousafzai-2012",
            "bajaur-assault-2026"
        ]
    );
    let mediated = app.ids("/v1/actors/qatar/incidents").await;
    assert_eq!(mediated, ["ceasefire-mediated-2025"]);
    let feb = app
        .ids("/v1/actors/afghan-taliban/incidents?from=2026-02&to=2026-02")
        .await;
    assert_eq!(
        feb,
        [
            "ceasefire-collapse",
            "ceasefire-mediated-2025",
            "afghan-attacks-on-pakistani-border-forces-2026-02",
            "pakistan-strikes-on-taliban-2026-02-27"
        ]
    );
}

#[sqlx::test]
async fn an_actors_force_figures_are_its_own(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let body = app.get_ok("/v1/actors/afghan-taliban/force-figures").await;
    let figures = body["data"].as_array().unwrap();
    assert_eq!(figures.len(), 5);
    assert!(figures.iter().all(|f| f["actor"] == "afghan-taliban"));
    let helicopters = by_id(&body["data"], "afghan-taliban-helicopters-2025");
    assert_eq!(helicopters["value"], 23);
    assert_eq!(helicopters["qualifier"], "exact");
    let aircraft = by_id(&body["data"], "afghan-taliban-aircraft-2025");
    assert_eq!(
        (aircraft["value"].as_i64(), aircraft["qualifier"].as_str()),
        (Some(6), Some("at_least"))
    );
}

#[sqlx::test]
async fn sub_collections_of_an_unknown_actor_are_404(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    for path in [
        "/v1/actors/nobody",
        "/v1/actors/nobody/claims",
        "/v1/actors/nobody/incidents",
        "/v1/actors/nobody/force-figures",
        "/v1/actors/NOT%20A%20SLUG",
    ] {
        let r = app.get(path).await;
        let body = r.assert_problem(404);
        assert!(
            body["detail"].as_str().unwrap().contains("No actor"),
            "{path}: {body}"
        );
    }
}
