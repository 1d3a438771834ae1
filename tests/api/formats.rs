use std::collections::BTreeMap;

use serde_json::Value;
use sqlx::PgPool;

use crate::helpers::{TestApp, reply};

/// Parses CSV text into header-keyed rows.
fn parse_csv(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            header
                .iter()
                .map(str::to_owned)
                .zip(rec.iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

fn text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[sqlx::test]
async fn claims_csv_parses_back_to_the_same_claims_one_row_per_figure(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let json = app.get_ok("/v1/claims?limit=500").await;
    let response = app
        .get_with_header("/v1/claims?limit=500", "accept", "text/csv")
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8; header=present"
    );
    let rows = parse_csv(&response.text().await.unwrap());
    let claims = json["data"].as_array().unwrap();
    let expected_rows: usize = claims
        .iter()
        .map(|c| c["figures"].as_array().unwrap().len().max(1))
        .sum();
    assert_eq!(rows.len(), expected_rows);
    for claim in claims {
        let id = claim["id"].as_str().unwrap();
        let mine: Vec<_> = rows.iter().filter(|r| r["id"] == id).collect();
        for (row, figure) in mine.iter().zip(claim["figures"].as_array().unwrap()) {
            assert_eq!(row["figure_metric"], text(&figure["metric"]));
            assert_eq!(row["figure_value"], text(&figure["value"]));
            assert_eq!(row["figure_qualifier"], text(&figure["qualifier"]));
            assert_eq!(row["figure_subject"], text(&figure["subject"]));
        }
        let row = mine[0];
        for field in ["claimant", "kind", "status", "statement", "attribution"] {
            assert_eq!(row[field], text(&claim[field]), "{id}.{field}");
        }
        assert_eq!(row["made_at"], text(&claim["made_at"]["value"]));
        assert_eq!(
            row["made_at_precision"],
            text(&claim["made_at"]["precision"])
        );
        let sources: Vec<String> = claim["sources"]
            .as_array()
            .unwrap()
            .iter()
            .map(text)
            .collect();
        assert_eq!(row["sources"], sources.join("; "));
    }
}

#[sqlx::test]
async fn every_collection_has_a_csv_that_matches_its_json(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    for path in [
        "/v1/actors",
        "/v1/sources",
        "/v1/incidents",
        "/v1/force-figures",
        "/v1/actors/ttp/incidents",
    ] {
        let json = app.get_ok(path).await;
        let sep = if path.contains('?') { '&' } else { '?' };
        let r = app
            .request(reqwest::Method::GET, &format!("{path}{sep}format=csv"))
            .await;
        assert_eq!(r.status(), 200, "{path}");
        let rows = parse_csv(&r.text().await.unwrap());
        let data = json["data"].as_array().unwrap();
        assert_eq!(rows.len(), data.len(), "{path}");
        for (row, record) in rows.iter().zip(data) {
            assert_eq!(row["id"], text(&record["id"]), "{path}");
        }
    }
    let incidents = parse_csv(
        &app.request(reqwest::Method::GET, "/v1/incidents?format=csv&limit=500")
            .await
            .text()
            .await
            .unwrap(),
    );
    let strikes = incidents
        .iter()
        .find(|r| r["id"] == "pakistan-strikes-on-taliban-2026-02-27")
        .unwrap();
    assert_eq!(
        strikes["location_names"],
        "Afghanistan; Kabul; Paktia; Kandahar"
    );
    assert_eq!(
        strikes["location_precisions"],
        "country; province; province; province"
    );
    let clashes = incidents
        .iter()
        .find(|r| r["id"] == "border-clashes-2025-10")
        .unwrap();
    // No point where the source names no place: empty cells, not invented numbers.
    assert_eq!(
        (
            clashes["location_lats"].as_str(),
            clashes["location_lons"].as_str()
        ),
        ("", "")
    );
    assert_eq!(clashes["location_precisions"], "border");
    let offensive = incidents
        .iter()
        .find(|r| r["id"] == "pakistan-offensive-against-ttp-ended-2016")
        .unwrap();
    // Known only by its end: the start is an empty cell.
    assert_eq!(
        (
            offensive["date"].as_str(),
            offensive["date_start"].as_str(),
            offensive["date_end"].as_str()
        ),
        ("../2016", "", "2016-12-31")
    );
    assert_eq!(strikes["date_precision"], "day");
    let figures = parse_csv(
        &app.request(reqwest::Method::GET, "/v1/force-figures?format=csv")
            .await
            .text()
            .await
            .unwrap(),
    );
    let personnel = figures
        .iter()
        .find(|r| r["id"] == "pakistan-active-personnel-2025")
        .unwrap();
    assert_eq!(
        (personnel["value"].as_str(), personnel["qualifier"].as_str()),
        ("600000", "more_than")
    );
}

#[sqlx::test]
async fn incidents_as_geojson_are_valid_points(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let r = reply(
        app.get_with_header("/v1/incidents?limit=500", "accept", "application/geo+json")
            .await,
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.content_type(), "application/geo+json");
    assert_eq!(r.body["type"], "FeatureCollection");
    let features = r.body["features"].as_array().unwrap();
    // Every place is one feature; incidents without places have none. A place the source
    // names without a point ("along the border") has a null geometry, never an invented one.
    assert_eq!(features.len(), 10);
    let unlocated: Vec<&serde_json::Value> = features
        .iter()
        .filter(|f| f["geometry"].is_null())
        .collect();
    // The two places "along the border", and Afghanistan for the return to power, which the
    // source does not place at all.
    assert_eq!(unlocated.len(), 3, "{unlocated:?}");
    for f in &unlocated {
        assert_eq!(f["properties"]["represents"], "no point", "{f}");
    }
    let border: Vec<_> = unlocated
        .iter()
        .filter(|f| f["properties"]["precision"] == "border")
        .collect();
    assert_eq!(border.len(), 2);
    assert!(border.iter().all(|f| f["properties"]["country"].is_null()));
    let kabul = features
        .iter()
        .find(|f| f["properties"]["place"] == "Kabul")
        .unwrap();
    assert_eq!(
        kabul["properties"]["represents"],
        "a representative point of the named province"
    );
    assert_eq!(
        kabul["properties"]["according_to"],
        "pakistan-claims-133-taliban-killed"
    );
    for f in features.iter().filter(|f| !f["geometry"].is_null()) {
        assert_eq!(f["type"], "Feature");
        assert_eq!(f["geometry"]["type"], "Point");
        let [lon, lat] = [
            f["geometry"]["coordinates"][0].as_f64().unwrap(),
            f["geometry"]["coordinates"][1].as_f64().unwrap(),
        ];
        assert!(
            (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat),
            "{f}"
        );
        for p in ["incident", "date", "kind", "actors", "precision"] {
            assert!(!f["properties"][p].is_null(), "feature without {p}: {f}");
        }
    }
    let kandahar = features
        .iter()
        .find(|f| f["properties"]["place"] == "Kandahar")
        .unwrap();
    assert_eq!(
        kandahar["properties"]["incident"],
        "pakistan-strikes-on-taliban-2026-02-27"
    );
    assert_eq!(kandahar["properties"]["date"]["precision"], "day");
    assert_eq!(
        kandahar["geometry"]["coordinates"],
        serde_json::json!([65.7372, 31.6289])
    );
    let via_param = app.get("/v1/incidents?format=geojson&country=PK").await;
    assert_eq!(via_param.content_type(), "application/geo+json");
}

#[sqlx::test]
async fn formats_a_resource_does_not_offer_are_406_problems(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let r = app.get("/v1/claims?format=geojson").await;
    let body = r.assert_problem(406);
    assert!(body["detail"].as_str().unwrap().contains("text/csv"));
    let r = reply(
        app.get_with_header("/v1/actors", "accept", "application/xml")
            .await,
    )
    .await;
    r.assert_problem(406);
    let r = reply(
        app.get_with_header("/v1/claims", "accept", "application/geo+json")
            .await,
    )
    .await;
    r.assert_problem(406);
    // Unknown format names are bad parameters, not negotiation failures.
    app.get("/v1/claims?format=xlsx")
        .await
        .assert_bad_parameter("format");
}

#[sqlx::test]
async fn accept_is_negotiated_with_quality_values(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let csv_preferred = app
        .get_with_header("/v1/sources", "accept", "application/json;q=0.5, text/csv")
        .await;
    assert!(
        csv_preferred.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let json_preferred = app
        .get_with_header("/v1/sources", "accept", "text/csv;q=0.1, application/json")
        .await;
    assert_eq!(json_preferred.headers()["content-type"], "application/json");
    let anything = app.get_with_header("/v1/sources", "accept", "*/*").await;
    assert_eq!(anything.headers()["content-type"], "application/json");
    let browser = app
        .get_with_header(
            "/v1/sources",
            "accept",
            "text/html,application/xhtml+xml,*/*;q=0.8",
        )
        .await;
    assert_eq!(browser.headers()["content-type"], "application/json");
    let param_wins = app
        .get_with_header("/v1/sources?format=json", "accept", "text/csv")
        .await;
    assert_eq!(param_wins.headers()["content-type"], "application/json");
}

#[sqlx::test]
async fn csv_pages_carry_the_link_header(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let r = app
        .request(reqwest::Method::GET, "/v1/claims?format=csv&limit=2")
        .await;
    let link = r.headers()["link"].to_str().unwrap().to_owned();
    assert!(
        link.contains("format=csv") && link.contains("rel=\"next\""),
        "{link}"
    );
}

#[sqlx::test]
async fn timeline_and_search_come_as_csv_too(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let json = app.get_ok("/v1/timeline?limit=500").await;
    let rows = parse_csv(
        &app.request(reqwest::Method::GET, "/v1/timeline?limit=500&format=csv")
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(rows.len(), json["data"].as_array().unwrap().len());
    assert_eq!(rows[0]["id"], text(&json["data"][0]["id"]));
    let hits = parse_csv(
        &app.request(reqwest::Method::GET, "/v1/search?q=Bajaur&format=csv")
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(
        hits.iter()
            .any(|h| h["id"] == "bajaur-assault-2026" && h["type"] == "incident")
    );
}

#[sqlx::test]
async fn q_filters_claims_and_incidents_by_full_text(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    assert_eq!(
        app.ids("/v1/incidents?q=Bajaur").await,
        ["bajaur-assault-2026"]
    );
    let soldiers = app.ids("/v1/claims?q=soldiers").await;
    assert!(
        soldiers.contains(&"taliban-claim-55-pakistani-soldiers-killed".to_owned()),
        "{soldiers:?}"
    );
    assert!(!soldiers.contains(&"pakistan-claims-133-taliban-killed".to_owned()));
    let islamic_state = app
        .ids("/v1/claims?q=%22Islamic%20State%22&status=denied")
        .await;
    assert_eq!(
        islamic_state,
        ["afghan-taliban-accuse-pakistan-of-harbouring-islamic-state"]
    );
    assert!(app.ids("/v1/incidents?q=zzzzqqq").await.is_empty());
    app.get("/v1/claims?q=").await.assert_bad_parameter("q");
}
