//! The served spec and the served data agree: what the spec says a client may send is
//! accepted, and what the server sends is what the spec describes.

use durand::config::ServerSettings;
use serde_json::Value;
use sqlx::PgPool;

use crate::helpers::TestApp;

/// A server without rate limiting: these tests send a few hundred requests.
async fn unlimited(pool: PgPool) -> TestApp {
    let mut settings = ServerSettings::default();
    settings.rate_limit.per_minute = 0;
    TestApp::spawn_with(pool, settings).await
}

/// A `$ref`'d schema's object, or the inline one.
fn resolve<'a>(spec: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(r) => spec
            .pointer(r.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("dangling {r}")),
        None => schema,
    }
}

#[sqlx::test]
async fn every_enum_value_the_spec_offers_for_a_parameter_is_accepted(pool: PgPool) {
    let app = unlimited(pool).await;
    let spec = app.get_ok("/v1/openapi.json").await;
    let mut tried = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        let params = item["get"]["parameters"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        // Required parameters take their documented example.
        let mut base = path.clone();
        let mut required = Vec::new();
        for p in &params {
            let example = p["example"].as_str().unwrap_or_default();
            match (p["in"].as_str(), p["required"].as_bool()) {
                (Some("path"), _) => {
                    base = base.replace(&format!("{{{}}}", p["name"].as_str().unwrap()), example)
                }
                (Some("query"), Some(true)) => {
                    required.push(format!("{}={example}", p["name"].as_str().unwrap()))
                }
                _ => {}
            }
        }
        for p in params.iter().filter(|p| p["in"] == "query") {
            let name = p["name"].as_str().unwrap();
            let Some(values) = resolve(&spec, &p["schema"])["enum"].as_array() else {
                continue;
            };
            for value in values {
                let value = value.as_str().unwrap();
                let mut query = required.clone();
                query.retain(|q| !q.starts_with(&format!("{name}=")));
                query.push(format!("{name}={value}"));
                let url = format!("{base}?{}", query.join("&"));
                let r = app.get(&url).await;
                assert_eq!(r.status, 200, "GET {url}: {}", r.body);
                tried += 1;
            }
        }
    }
    assert!(tried > 50, "only {tried} enum values tried");
}

#[sqlx::test]
async fn served_enum_values_are_the_ones_the_spec_lists(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let spec = app.get_ok("/v1/openapi.json").await;
    let listed = |schema: &str| -> Vec<String> {
        spec["components"]["schemas"][schema]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{schema} is not an enum"))
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    };
    let claim = app
        .get_ok("/v1/claims/pakistan-claims-133-taliban-killed")
        .await;
    let figure = &claim["figures"][0];
    assert_eq!(figure["qualifier"], "at_least");
    for (schema, value) in [
        ("Qualifier", &figure["qualifier"]),
        ("ClaimKind", &claim["kind"]),
        ("ClaimStatus", &claim["status"]),
    ] {
        let value = value.as_str().unwrap().to_owned();
        assert!(listed(schema).contains(&value), "{schema} lacks `{value}`");
    }
    let actor = app.get_ok("/v1/actors/afghan-taliban").await;
    let kind = actor["kind"].as_str().unwrap().to_owned();
    assert!(
        listed("ActorKind").contains(&kind),
        "ActorKind lacks `{kind}`"
    );
}
