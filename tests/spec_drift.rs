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
            assert!(responses.contains_key("200"), "{method} {path}");
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

/// Collects every `$ref` in a JSON document.
fn refs<'a>(value: &'a serde_json::Value, out: &mut Vec<&'a str>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("$ref", serde_json::Value::String(r)) => out.push(r),
                    _ => refs(v, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[test]
fn every_reference_resolves() {
    let spec: serde_json::Value = serde_json::from_str(&durand::openapi::spec_json()).unwrap();
    let mut found = Vec::new();
    refs(&spec, &mut found);
    assert!(!found.is_empty());
    let dangling: Vec<_> = found
        .into_iter()
        .filter(|r| {
            let pointer = r.strip_prefix('#').expect("local reference");
            spec.pointer(pointer).is_none()
        })
        .collect();
    assert!(dangling.is_empty(), "dangling $refs: {dangling:?}");
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
