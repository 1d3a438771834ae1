//! The committed spec is exactly what the code generates.

#[test]
fn the_committed_spec_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    let generated = durand::openapi::spec_json();
    assert!(
        committed == generated,
        "openapi/openapi.json differs from what the code generates; run `{}` and commit the result",
        durand::openapi::REGENERATE
    );
}

#[test]
fn every_operation_documents_its_errors_as_problems() {
    let spec: serde_json::Value = serde_json::from_str(&durand::openapi::spec_json()).unwrap();
    let paths = spec["paths"].as_object().unwrap();
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            let success = if method == "post" { "201" } else { "200" };
            assert!(responses.contains_key(success), "{method} {path}");
            if op
                .get("security")
                .is_some_and(|s| s != &serde_json::json!([]))
            {
                for status in ["401", "403", "422", "429"] {
                    assert!(
                        responses.contains_key(status) || method == "delete" && status == "422",
                        "{method} {path} needs a key but documents no {status}"
                    );
                }
            }
            if path.starts_with("/v1/") && path != "/v1/openapi.json" {
                assert!(
                    responses.contains_key("500") && responses.contains_key("503"),
                    "{method} {path}"
                );
                let has_query = op["parameters"]
                    .as_array()
                    .is_some_and(|ps| ps.iter().any(|p| p["in"] == "query"));
                assert!(
                    !has_query || responses.contains_key("400"),
                    "{method} {path} has query parameters but no 400"
                );
                if path.contains('{') {
                    assert!(responses.contains_key("404"), "{method} {path}");
                }
            }
        }
    }
    assert_eq!(spec["openapi"], "3.1.0");
}

/// Every `$ref` in the spec names something the spec defines.
#[test]
fn every_reference_resolves() {
    fn walk(node: &serde_json::Value, at: &str, spec: &serde_json::Value, bad: &mut Vec<String>) {
        match node {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::String(target)) = map.get("$ref") {
                    let pointer = target.strip_prefix('#').unwrap_or(target);
                    if !target.starts_with('#') || spec.pointer(pointer).is_none() {
                        bad.push(format!("{at}: {target}"));
                    }
                }
                for (key, value) in map {
                    walk(value, &format!("{at}/{key}"), spec, bad);
                }
            }
            serde_json::Value::Array(items) => {
                for (i, value) in items.iter().enumerate() {
                    walk(value, &format!("{at}/{i}"), spec, bad);
                }
            }
            _ => {}
        }
    }
    let spec: serde_json::Value = serde_json::from_str(&durand::openapi::spec_json()).unwrap();
    let mut bad = Vec::new();
    walk(&spec, "#", &spec, &mut bad);
    assert!(bad.is_empty(), "unresolved references:\n{}", bad.join("\n"));
}

/// The spec lists each vocabulary's values as served (`more_than`), not the Rust variant
/// names (`MoreThan`).
#[test]
fn enum_schemas_list_the_values_served() {
    use durand::domain::*;
    let spec: serde_json::Value = serde_json::from_str(&durand::openapi::spec_json()).unwrap();
    macro_rules! check {
        ($($ty:ty),* $(,)?) => {$(
            let name = stringify!($ty).rsplit("::").next().unwrap().trim();
            let listed = &spec["components"]["schemas"][name]["enum"];
            let served: Vec<&str> = <$ty>::ALL.iter().map(|v| v.as_str()).collect();
            assert_eq!(listed, &serde_json::json!(served), "components.schemas.{name}.enum");
        )*};
    }
    check!(
        ActorKind,
        ActorRole,
        ClaimKind,
        ClaimStatus,
        ForceMetric,
        GeoPrecision,
        IncidentKind,
        Qualifier,
        RelationKind,
        SourceKind,
        durand::routes::v1::format::Format,
        durand::store::actors::ActorSort,
        durand::store::claims::ClaimSort,
        durand::store::force_figures::ForceFigureSort,
        durand::store::incidents::IncidentSort,
        durand::store::sources::SourceSort,
    );
}

#[test]
fn every_error_response_is_the_one_problem_schema() {
    let spec: serde_json::Value = serde_json::from_str(&durand::openapi::spec_json()).unwrap();
    let mut checked = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for (status, response) in op["responses"].as_object().unwrap() {
                if !status.starts_with('4') && !status.starts_with('5') {
                    continue;
                }
                let response = match response["$ref"].as_str() {
                    Some(r) => spec.pointer(r.trim_start_matches('#')).unwrap(),
                    None => response,
                };
                let content = response["content"].as_object().unwrap();
                assert_eq!(
                    content.keys().collect::<Vec<_>>(),
                    ["application/problem+json"],
                    "{method} {path} {status}"
                );
                assert_eq!(
                    content["application/problem+json"]["schema"]["$ref"],
                    "#/components/schemas/Problem",
                    "{method} {path} {status}: SDKs should get one Problem type"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 50);
}
