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

/// The operation's path with its path parameters filled in from their documented examples,
/// and its required query parameters as (name, example) pairs.
fn fill_required(path: &str, params: &[Value]) -> (String, Vec<(String, String)>) {
    let mut base = path.to_owned();
    let mut required = Vec::new();
    for p in params {
        let name = p["name"].as_str().unwrap();
        let example = p["example"].as_str().unwrap_or_default();
        match (p["in"].as_str(), p["required"].as_bool()) {
            (Some("path"), _) => base = base.replace(&format!("{{{name}}}"), example),
            (Some("query"), Some(true)) => required.push((name.to_owned(), example.to_owned())),
            _ => {}
        }
    }
    (base, required)
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
        let (base, required) = fill_required(path, &params);
        let required: Vec<String> = required.iter().map(|(n, e)| format!("{n}={e}")).collect();
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

/// Whether `value` is valid for a string schema: its pattern (a search, as in JSON Schema)
/// and its length bounds, in characters.
fn schema_admits(schema: &Value, value: &str) -> bool {
    let chars = value.chars().count() as u64;
    let pattern_ok = schema["pattern"].as_str().is_none_or(|p| {
        regex::Regex::new(p)
            .unwrap_or_else(|e| panic!("pattern {p}: {e}"))
            .is_match(value)
    });
    pattern_ok
        && schema["minLength"].as_u64().is_none_or(|min| chars >= min)
        && schema["maxLength"].as_u64().is_none_or(|max| chars <= max)
}

/// Values on both sides of the documented rules of the free-text query parameters.
const PROBES: &[&str] = &[
    "",
    "1",
    "01",
    "1.5",
    "2026-03-01T12:00:00",
    "2026-13-01T00:00:00Z",
    "2026-03-01T25:00:00Z",
    " ",
    "\u{3000}",
    "\t",
    "a",
    "Bajaur",
    "a\u{0}b",
    "\u{0}",
    "pakistan",
    "afghan-taliban",
    "Pakistan",
    "-pakistan",
    "pak--istan",
    "pakistan,afghan-taliban",
    "pakistan,afghan-taliban,ttp",
    "pakistan,",
    "2026",
    "2026-02",
    "2026-02-27",
    "2024-02-29",
    "2000-02-29",
    "1900-02-29",
    "2025-02-29",
    "2026-02-30",
    "2026-04-31",
    "2026-13",
    "2026-00",
    "0000",
    "20260",
    "2026-2",
    "2026-02-01/2026-02-02",
    "60,29,75,37",
    "-180,-90,180,90",
    "60.5,29.3,75.2,37.1",
    "181,0,182,1",
    "0,-91,1,1",
    "60,29,75",
    "a,b,c,d",
];

/// Every free-text query parameter accepts exactly what its schema admits, so a client that
/// follows the spec is never refused and one that breaks it is told so. (Two rules no schema
/// can state are left out: cursors are opaque, and list items must differ; the API tests
/// cover both.)
#[sqlx::test]
async fn string_parameters_accept_exactly_what_their_schemas_admit(pool: PgPool) {
    let app = unlimited(pool).await;
    let spec = app.get_ok("/v1/openapi.json").await;
    let mut tried = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        let params = item["get"]["parameters"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let (base, required) = fill_required(path, &params);
        for p in params.iter().filter(|p| p["in"] == "query") {
            let name = p["name"].as_str().unwrap();
            let schema = resolve(&spec, &p["schema"]);
            if schema["type"] != "string" || schema.get("enum").is_some() {
                continue;
            }
            for probe in PROBES {
                let admitted = schema_admits(schema, probe);
                let repeats = probe.split(',').count()
                    != probe
                        .split(',')
                        .collect::<std::collections::HashSet<_>>()
                        .len();
                if name == "cursor" && admitted || repeats {
                    continue;
                }
                let mut query = form_urlencoded::Serializer::new(String::new());
                for (other, example) in &required {
                    if *other != name {
                        query.append_pair(other, example);
                    }
                }
                query.append_pair(name, probe);
                let url = format!("{base}?{}", query.finish());
                let r = app.get(&url).await;
                // Unknown actors to compare are a 404, as for unknown ids in a path.
                // An `as_of` of the right form may still name a version or time outside the
                // history: a rule no schema can state.
                let outside_history = name == "as_of"
                    && r.body["detail"]
                        .as_str()
                        .is_some_and(|d| d.contains("version"));
                let ok = match (admitted, r.status.as_u16()) {
                    (true, 200) | (false, 400) => true,
                    (true, 400) => outside_history,
                    (true, 404) => path == "/v1/force-comparison",
                    _ => false,
                };
                assert!(
                    ok,
                    "GET {url} ({name} = {probe:?}, schema {schema}): {} {}",
                    r.status, r.body
                );
                tried += 1;
            }
        }
    }
    assert!(tried > 300, "only {tried} probes");
}

#[sqlx::test]
async fn the_dataset_description_fits_its_schema(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let spec = app.get_ok("/v1/openapi.json").await;
    let body = app.get_ok("/v1/dataset").await;
    let response = &spec["paths"]["/v1/dataset"]["get"]["responses"]["200"];
    let schema = resolve(&spec, &response["content"]["application/json"]["schema"]);
    // One object that names every field: an `allOf` with a closed part forbids the rest.
    assert!(schema.get("allOf").is_none(), "{schema}");
    let properties = schema["properties"].as_object().expect("properties");
    for key in body.as_object().unwrap().keys() {
        assert!(properties.contains_key(key), "`{key}` is not in {schema}");
    }
    for key in schema["required"].as_array().unwrap() {
        assert!(body.get(key.as_str().unwrap()).is_some(), "{key} missing");
    }
}
