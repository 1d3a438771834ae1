use sqlx::PgPool;

use crate::helpers::TestApp;

#[sqlx::test]
async fn an_incident_known_to_the_month_matches_a_range_inside_it(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let october = app.ids("/v1/incidents?from=2025-10-01&to=2025-10-31").await;
    assert_eq!(
        october,
        [
            "border-clashes-2025-10",
            "ceasefire-collapse",
            "ceasefire-mediated-2025"
        ]
    );
    let mid_october = app.ids("/v1/incidents?from=2025-10-15&to=2025-10-15").await;
    assert!(mid_october.contains(&"border-clashes-2025-10".to_owned()));
    let clash = app.get_ok("/v1/incidents/border-clashes-2025-10").await;
    assert_eq!(clash["date"]["precision"], "month");
    assert_eq!(clash["date"]["value"], "2025-10");
}

#[sqlx::test]
async fn february_2026_incidents(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let feb = app.ids("/v1/incidents?from=2026-02&to=2026-02").await;
    assert_eq!(
        feb,
        [
            "ceasefire-collapse",
            "ceasefire-mediated-2025",
            "bajaur-assault-2026",
            "afghan-attacks-on-pakistani-border-forces-2026-02",
            "pakistan-air-strikes-on-militants-2026-02",
            "pakistan-strikes-on-taliban-2026-02-27",
        ]
    );
    // The offensive that "ended in 2016" is `../2016`: it may have run in 2012, so it matches
    // `to=2012`; it did not run after 2016, so it never matches `from=2017`.
    assert_eq!(
        app.ids("/v1/incidents?to=2012").await,
        [
            "pakistan-offensive-against-ttp-ended-2016",
            "attack-on-malala-yousafzai-2012"
        ]
    );
    assert!(
        !app.ids("/v1/incidents?from=2017")
            .await
            .contains(&"pakistan-offensive-against-ttp-ended-2016".to_owned())
    );
    let offensive = app
        .get_ok("/v1/incidents/pakistan-offensive-against-ttp-ended-2016")
        .await;
    assert_eq!(
        offensive["date"],
        serde_json::json!({"value": "../2016", "precision": "range", "start": null, "end": "2016-12-31"})
    );
}

#[sqlx::test]
async fn the_february_strikes_carry_places_actors_and_claims(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let strikes = app
        .get_ok("/v1/incidents/pakistan-strikes-on-taliban-2026-02-27")
        .await;
    assert_eq!(strikes["kind"], "air_strike");
    assert_eq!(strikes["date"]["precision"], "day");
    let places: Vec<&str> = strikes["locations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert_eq!(places, ["Afghanistan", "Kabul", "Paktia", "Kandahar"]);
    for l in &strikes["locations"].as_array().unwrap()[1..] {
        assert_eq!(l["country"], "AF");
        assert_eq!(l["precision"], "province");
        assert!(l["lat"].as_f64().unwrap() > 29.0 && l["lon"].as_f64().unwrap() > 60.0);
        // The three provinces are Pakistan's account, and say so.
        assert_eq!(l["according_to"], "pakistan-claims-133-taliban-killed");
        assert!(
            l["inference"]
                .as_str()
                .unwrap()
                .contains("Paktia is only a province")
        );
    }
    // The summary attributes what only one side says.
    let summary = strikes["summary"].as_str().unwrap();
    assert!(
        summary.contains("Unnamed officials said the strikes came after"),
        "{summary}"
    );
    assert!(!summary.starts_with("After Afghan attacks"), "{summary}");
    assert_eq!(strikes["actors"][0]["actor"], "pakistan");
    assert_eq!(strikes["actors"][0]["role"], "perpetrator");
    let claims = strikes["claims"].as_array().unwrap();
    assert_eq!(claims.len(), 8);
    assert!(claims.contains(&"pakistan-claims-133-taliban-killed".into()));
}

#[sqlx::test]
async fn incidents_filter_by_actor_kind_country_admin1_and_bbox(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    assert_eq!(
        app.ids("/v1/incidents?actor=saudi-arabia").await,
        ["ceasefire-mediated-2025"]
    );
    assert_eq!(
        app.ids("/v1/incidents?kind=air_strike").await,
        [
            "pakistan-air-strikes-on-militants-2026-02",
            "pakistan-strikes-on-taliban-2026-02-27"
        ]
    );
    // Places along the border name no country: the source does not say which side.
    let in_pakistan = app.ids("/v1/incidents?country=PK").await;
    assert_eq!(
        in_pakistan,
        [
            "pakistan-offensive-against-ttp-ended-2016",
            "bajaur-assault-2026",
        ]
    );
    assert_eq!(
        app.ids("/v1/incidents?admin1=khyber%20pakhtunkhwa").await,
        ["bajaur-assault-2026"]
    );
    assert_eq!(
        app.ids("/v1/incidents?admin1=Paktia").await,
        ["pakistan-strikes-on-taliban-2026-02-27"]
    );
    // A box around Kandahar only.
    assert_eq!(
        app.ids("/v1/incidents?bbox=65,31,66.5,32").await,
        ["pakistan-strikes-on-taliban-2026-02-27"]
    );
    // A box over the Arabian Sea holds nothing.
    assert!(app.ids("/v1/incidents?bbox=60,15,65,20").await.is_empty());
    // A box over the whole border holds only places with a point: the October clashes and the
    // Afghan attacks happened "along the border", which has none, so no box matches them.
    let border = app.ids("/v1/incidents?bbox=60,29,75,37").await;
    assert!(
        !border.contains(&"border-clashes-2025-10".to_owned()),
        "{border:?}"
    );
    assert!(
        !border.contains(&"afghan-attacks-on-pakistani-border-forces-2026-02".to_owned()),
        "{border:?}"
    );
    assert!(
        border.contains(&"bajaur-assault-2026".to_owned()),
        "{border:?}"
    );
    assert_eq!(
        app.ids("/v1/incidents?actor=ttp&country=PK&kind=armed_assault")
            .await,
        ["bajaur-assault-2026"]
    );
}

#[sqlx::test]
async fn the_bajaur_assault_keeps_its_toll_and_its_claimants_apart(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let bajaur = app.get_ok("/v1/incidents/bajaur-assault-2026").await;
    assert_eq!(bajaur["locations"][0]["admin1"], "Khyber Pakhtunkhwa");
    assert_eq!(bajaur["locations"][0]["precision"], "district");
    assert_eq!(bajaur["date"]["precision"], "range");
    assert!(bajaur["date_note"].as_str().unwrap().contains("recent"));
    let toll = app.get_ok("/v1/claims/bajaur-assault-toll").await;
    let figures: Vec<(i64, &str)> = toll["figures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["value"].as_i64().unwrap(), f["subject"].as_str().unwrap()))
        .collect();
    assert_eq!(figures, [(11, "personnel"), (2, "civilians")]);
    assert_eq!(bajaur["date_basis"], "estimated");
    assert!(
        bajaur["inference"]
            .as_str()
            .unwrap()
            .contains("January 2026, is Durand's reading of “recent”")
    );
    let ttp = app.get_ok("/v1/claims/ttp-claimed-bajaur-assault").await;
    assert_eq!(ttp["kind"], "responsibility");
}
