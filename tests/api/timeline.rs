//! `GET /v1/timeline`: incidents and claims in one chronological list.

use std::collections::BTreeSet;

use serde_json::Value;
use sqlx::PgPool;

use crate::helpers::{TestApp, by_id};

/// `type/id` of each entry, e.g. `claim/ttp-claimed-bajaur-assault`.
fn keys(entries: &[Value]) -> Vec<String> {
    entries
        .iter()
        .map(|e| {
            format!(
                "{}/{}",
                e["type"].as_str().unwrap(),
                e["id"].as_str().unwrap()
            )
        })
        .collect()
}

/// The ids of the entries of one type, as a set.
fn ids_of(entries: &[Value], entry_type: &str) -> BTreeSet<String> {
    entries
        .iter()
        .filter(|e| e["type"] == entry_type)
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The sort key of an entry: start, end, type, id. An open start (null) sorts first, an open
/// end (null) last.
fn sort_key(e: &Value) -> (String, String, String, String) {
    let s = |v: &Value| v.as_str().unwrap().to_owned();
    (
        e["date"]["start"].as_str().unwrap_or("").to_owned(),
        e["date"]["end"].as_str().unwrap_or("9999-12-31").to_owned(),
        s(&e["type"]),
        s(&e["id"]),
    )
}

#[sqlx::test]
async fn the_timeline_holds_every_incident_and_claim_in_date_order(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let counts = app.get_ok("/v1/dataset").await["counts"].clone();
    let all = app.get_ok("/v1/timeline?limit=500").await["data"]
        .as_array()
        .unwrap()
        .clone();
    let incidents = counts["incidents"].as_u64().unwrap() as usize;
    let claims = counts["claims"].as_u64().unwrap() as usize;
    assert_eq!(all.len(), incidents + claims);
    assert_eq!(ids_of(&all, "incident").len(), incidents);
    assert_eq!(ids_of(&all, "claim").len(), claims);
    assert!(
        all.windows(2)
            .all(|w| w[0]["date"]["start"].as_str().unwrap_or("")
                <= w[1]["date"]["start"].as_str().unwrap_or("")),
        "not in order of first day"
    );
    assert!(
        all.windows(2).all(|w| sort_key(&w[0]) < sort_key(&w[1])),
        "not ordered by start, end, type, id"
    );
    // Entries known only by their end (the offensive that "ended in 2016", statements made
    // "by 27 February 2026") have an open start and come first, the earliest end first; the
    // first dated entry follows them.
    assert_eq!(all[0]["id"], "pakistan-offensive-against-ttp-ended-2016");
    let open: Vec<&Value> = all
        .iter()
        .take_while(|e| e["date"]["start"].is_null())
        .collect();
    assert_eq!(open.len(), 14, "{open:?}");
    assert_eq!(all[open.len()]["id"], "attack-on-malala-yousafzai-2012");
    assert_eq!(
        all[all.len() - 1]["id"],
        "pakistan-strikes-on-taliban-2026-02-27"
    );
    // On the same first day, an entry that ends sooner comes first, and a claim before an
    // incident with the same dates.
    let order = keys(&all);
    let at = |k: &str| order.iter().position(|o| o == k).unwrap();
    assert!(
        at("incident/pakistan-air-strikes-on-militants-2026-02")
            < at("incident/afghan-attacks-on-pakistani-border-forces-2026-02")
    );
    assert!(
        at("claim/taliban-claim-55-pakistani-soldiers-killed")
            < at("incident/afghan-attacks-on-pakistani-border-forces-2026-02")
    );
}

#[sqlx::test]
async fn walking_the_timeline_two_at_a_time_returns_every_entry_once_in_order(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let all = keys(
        app.get_ok("/v1/timeline?limit=500").await["data"]
            .as_array()
            .unwrap(),
    );
    let walked = keys(&app.walk("/v1/timeline", 2).await);
    assert_eq!(walked, all);
    assert_eq!(walked.iter().collect::<BTreeSet<_>>().len(), walked.len());
    // Filters are kept across pages.
    let ttp = keys(
        app.get_ok("/v1/timeline?actor=ttp&from=2026").await["data"]
            .as_array()
            .unwrap(),
    );
    assert_eq!(
        keys(&app.walk("/v1/timeline?actor=ttp&from=2026", 2).await),
        ttp
    );
}

#[sqlx::test]
async fn entries_carry_their_date_title_kind_actors_and_url(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let all = app.get_ok("/v1/timeline?limit=500").await["data"].clone();

    let ceasefire = by_id(&all, "ceasefire-mediated-2025");
    assert_eq!(ceasefire["type"], "incident");
    assert_eq!(
        ceasefire["date"],
        serde_json::json!({"value": "2025-10/2026-02-27", "precision": "range",
            "start": "2025-10-01", "end": "2026-02-27"})
    );
    assert_eq!(
        ceasefire["title"],
        "Ceasefire mediated by Turkey, Qatar and Saudi Arabia"
    );
    assert_eq!(ceasefire["kind"], "ceasefire");
    assert_eq!(
        ceasefire["actors"],
        serde_json::json!([
            "turkey",
            "qatar",
            "saudi-arabia",
            "pakistan",
            "afghan-taliban"
        ])
    );
    assert_eq!(ceasefire["url"], "/v1/incidents/ceasefire-mediated-2025");

    let toll = by_id(&all, "pakistan-claims-133-taliban-killed");
    assert_eq!(toll["type"], "claim");
    assert_eq!(toll["date"]["value"], "2026-02-27");
    assert_eq!(toll["date"]["precision"], "day");
    assert_eq!(toll["kind"], "casualties");
    assert_eq!(
        toll["actors"],
        serde_json::json!(["pakistan", "afghan-taliban"])
    );
    assert_eq!(toll["url"], "/v1/claims/pakistan-claims-133-taliban-killed");
    let title = toll["title"].as_str().unwrap();
    assert!(
        title.starts_with("Pakistan: Pakistan's government said its forces had killed"),
        "{title}"
    );
    assert!(
        title.ends_with('…'),
        "a long statement is shortened: {title}"
    );

    // The claimant is also what the claim is about: listed once.
    let ttp = by_id(&all, "ttp-claimed-bajaur-assault");
    assert_eq!(
        ttp["title"],
        "Tehreek-e-Taliban Pakistan: The TTP claimed the assault in Bajaur."
    );
    assert_eq!(ttp["actors"], serde_json::json!(["ttp"]));
    assert_eq!(ttp["date"]["value"], "../2026-02-27");
    assert_eq!(ttp["date"]["precision"], "range");

    // Each entry is the record its url serves.
    for entry in all.as_array().unwrap() {
        let record = app.get_ok(entry["url"].as_str().unwrap()).await;
        assert_eq!(record["id"], entry["id"]);
    }
}

#[sqlx::test]
async fn february_2026_gives_its_incidents_and_its_claims(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let feb = app
        .get_ok("/v1/timeline?from=2026-02&to=2026-02&limit=500")
        .await["data"]
        .as_array()
        .unwrap()
        .clone();
    let incidents: BTreeSet<String> = app
        .ids("/v1/incidents?from=2026-02&to=2026-02&limit=500")
        .await
        .into_iter()
        .collect();
    let claims: BTreeSet<String> = app
        .ids("/v1/claims?from=2026-02&to=2026-02&limit=500")
        .await
        .into_iter()
        .collect();
    assert_eq!(ids_of(&feb, "incident"), incidents);
    assert_eq!(
        incidents,
        BTreeSet::from(
            [
                "ceasefire-collapse",
                "ceasefire-mediated-2025",
                "bajaur-assault-2026",
                "afghan-attacks-on-pakistani-border-forces-2026-02",
                "pakistan-air-strikes-on-militants-2026-02",
                "pakistan-strikes-on-taliban-2026-02-27",
            ]
            .map(String::from)
        )
    );
    assert_eq!(ids_of(&feb, "claim"), claims);
    assert_eq!(claims.len(), 28);
    for e in &feb {
        assert!(e["date"]["end"].as_str().unwrap() >= "2026-02-01", "{e}");
        assert!(
            e["date"]["start"].as_str().unwrap_or("") <= "2026-02-28",
            "{e}"
        );
    }
    let early = keys(
        app.get_ok("/v1/timeline?to=2012").await["data"]
            .as_array()
            .unwrap(),
    );
    // Up to 2012: what was dated then, and what may have been (an open start).
    assert_eq!(
        early.first().map(String::as_str),
        Some("incident/pakistan-offensive-against-ttp-ended-2016")
    );
    assert_eq!(
        early.last().map(String::as_str),
        Some("incident/attack-on-malala-yousafzai-2012")
    );
    assert_eq!(early.len(), 15, "{early:?}");
    let october = keys(
        app.get_ok("/v1/timeline?from=2025-10-15&to=2025-10-15")
            .await["data"]
            .as_array()
            .unwrap(),
    );
    // Mid-October 2025: the clashes, the ceasefire and its collapse (each dated within a range
    // that holds the day), and the statements made "by 27 February 2026", which may be that old.
    let dated: Vec<&String> = october
        .iter()
        .filter(|k| k.starts_with("incident/"))
        .collect();
    assert_eq!(
        dated,
        [
            "incident/border-clashes-2025-10",
            "incident/ceasefire-collapse",
            "incident/ceasefire-mediated-2025"
        ]
    );
    assert_eq!(october.len() - dated.len(), 13, "{october:?}");
    assert_eq!(
        october[..13]
            .iter()
            .filter(|k| k.starts_with("claim/"))
            .count(),
        13
    );
}

#[sqlx::test]
async fn the_actor_filter_keeps_what_the_actor_took_part_in_said_or_was_the_subject_of(
    pool: PgPool,
) {
    let app = TestApp::spawn(pool).await;
    let ttp = app.get_ok("/v1/timeline?actor=ttp&limit=500").await["data"]
        .as_array()
        .unwrap()
        .clone();
    let incidents: BTreeSet<String> = app
        .ids("/v1/incidents?actor=ttp&limit=500")
        .await
        .into_iter()
        .collect();
    let mut claims: BTreeSet<String> = app
        .ids("/v1/claims?claimant=ttp&limit=500")
        .await
        .into_iter()
        .collect();
    claims.extend(app.ids("/v1/claims?about=ttp&limit=500").await);
    assert_eq!(ids_of(&ttp, "incident"), incidents);
    assert_eq!(ids_of(&ttp, "claim"), claims);
    assert!(claims.contains("ttp-claimed-bajaur-assault"));
    assert!(claims.contains("reuters-militancy-in-pakistan-surged-since-2022"));
    for e in &ttp {
        assert!(
            e["actors"].as_array().unwrap().contains(&"ttp".into()),
            "{e}"
        );
    }
    assert_eq!(
        keys(
            app.get_ok("/v1/timeline?actor=saudi-arabia").await["data"]
                .as_array()
                .unwrap()
        ),
        ["incident/ceasefire-mediated-2025"]
    );
    assert_eq!(
        app.get_ok("/v1/timeline?actor=nobody-at-all").await["data"],
        serde_json::json!([])
    );
}

#[sqlx::test]
async fn bad_timeline_parameters_are_400_problems(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    app.get("/v1/timeline?cursor=not-a-cursor")
        .await
        .assert_bad_parameter("cursor");
    // A cursor from another collection is not a timeline cursor.
    let claims = app.get_ok("/v1/claims?limit=1").await;
    let cursor = claims["meta"]["next_cursor"].as_str().unwrap();
    app.get(&format!("/v1/timeline?cursor={cursor}"))
        .await
        .assert_bad_parameter("cursor");
    let detail = app
        .get("/v1/timeline?q=bajaur")
        .await
        .assert_bad_parameter("q");
    assert!(detail.contains("`actor`"), "{detail}");
    app.get("/v1/timeline?from=yesterday")
        .await
        .assert_bad_parameter("from");
    app.get("/v1/timeline?from=2026-03&to=2026-02")
        .await
        .assert_bad_parameter("from");
    app.get("/v1/timeline?actor=TTP")
        .await
        .assert_bad_parameter("actor");
    app.get("/v1/timeline?limit=0")
        .await
        .assert_bad_parameter("limit");
}
