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
            let security = op.get("security").and_then(|s| s.as_array());
            // `{}` among the requirements: a key is optional (reads); a bad one is still a 401.
            let optional = security.is_some_and(|s| s.contains(&serde_json::json!({})));
            if optional {
                for status in ["401", "429"] {
                    assert!(
                        responses.contains_key(status),
                        "{method} {path} takes a key but documents no {status}"
                    );
                }
            } else if security.is_some_and(|s| !s.is_empty()) {
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
        durand::domain::ActorSort,
        durand::domain::ClaimSort,
        durand::domain::ForceFigureSort,
        durand::domain::IncidentSort,
        durand::domain::SourceSort,
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

/// What every operation's parameters are, as (method, path, parameter).
fn parameters(spec: &serde_json::Value) -> Vec<(String, String, serde_json::Value)> {
    let mut out = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for p in op["parameters"].as_array().into_iter().flatten() {
                out.push((method.clone(), path.clone(), p.clone()));
            }
        }
    }
    out
}

/// `as_of` is a plain string with a pattern wherever it is taken: a `$ref` to a `oneOf` made
/// generated clients crash without it (Java) or send it JSON-quoted (Rust, Go).
#[test]
fn as_of_is_a_plain_string_with_a_pattern_everywhere() {
    let spec: serde_json::Value = serde_json::from_str(&durand::openapi::spec_json()).unwrap();
    let as_of: Vec<_> = parameters(&spec)
        .into_iter()
        .filter(|(_, _, p)| p["name"] == "as_of")
        .collect();
    assert!(as_of.len() >= 20, "{}", as_of.len());
    let pattern = regex::Regex::new(durand::domain::as_of::AS_OF_PATTERN).unwrap();
    for (method, path, p) in &as_of {
        let schema = &p["schema"];
        assert_eq!(schema["type"], "string", "{method} {path}: {schema}");
        assert_eq!(
            schema["pattern"],
            durand::domain::as_of::AS_OF_PATTERN,
            "{method} {path}"
        );
        assert!(schema.get("$ref").is_none() && schema.get("oneOf").is_none());
    }
    for good in [
        "1",
        "42",
        "2026-03-01T12:00:00Z",
        "2026-03-01T12:00:00.5+05:00",
    ] {
        assert!(
            pattern.is_match(good) && good.parse::<durand::domain::AsOf>().is_ok(),
            "{good}"
        );
    }
    for bad in [
        "0",
        "-1",
        "1.5",
        "2026-03-01",
        "2026-03-01T12:00:00",
        "2026-13-01T00:00:00Z",
    ] {
        assert!(
            !pattern.is_match(bad) && bad.parse::<durand::domain::AsOf>().is_err(),
            "{bad}"
        );
    }
}

/// Enum constants get document-wide unique names, one per value: Go declares them at package
/// level, and `ID` of five sort enums does not build.
#[test]
fn every_enum_value_has_a_name_unique_in_the_document() {
    let spec: serde_json::Value = serde_json::from_str(&durand::openapi::spec_json()).unwrap();
    let mut seen = std::collections::HashMap::new();
    for (name, schema) in spec["components"]["schemas"].as_object().unwrap() {
        let Some(values) = schema["enum"].as_array() else {
            continue;
        };
        let names = schema["x-enum-varnames"]
            .as_array()
            .unwrap_or_else(|| panic!("{name} has no x-enum-varnames"));
        assert_eq!(names.len(), values.len(), "{name}");
        for n in names {
            let n = n.as_str().unwrap().to_owned();
            if let Some(other) = seen.insert(n.clone(), name.clone()) {
                panic!("{n} names a value of both {other} and {name}");
            }
        }
    }
    assert!(seen.len() > 50, "{}", seen.len());
}

/// Relative servers only: an absolute `http://127.0.0.1:8080` sent generated clients to a
/// machine that is not the reader's.
#[test]
fn servers_are_relative() {
    let spec: serde_json::Value = serde_json::from_str(&durand::openapi::spec_json()).unwrap();
    for server in spec["servers"].as_array().unwrap() {
        let url = server["url"].as_str().unwrap();
        assert!(url.starts_with('/'), "{url}");
    }
}

/// Each request body lists one media type, so a generator builds one body type (two made
/// openapi-python-client's PATCH modules fail to import).
#[test]
fn request_bodies_list_one_media_type() {
    let spec: serde_json::Value = serde_json::from_str(&durand::openapi::spec_json()).unwrap();
    let mut patches = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if let Some(content) = op["requestBody"]["content"].as_object() {
                assert_eq!(content.len(), 1, "{method} {path}: {:?}", content.keys());
                if method == "patch" {
                    assert!(content.contains_key("application/merge-patch+json"));
                    patches += 1;
                }
            }
        }
    }
    assert_eq!(patches, 5);
}

/// Export lines and change-feed entries are `oneOf`s whose discriminator maps every tag
/// value to the variant that holds it, and each variant's tag admits that value only.
#[test]
fn tagged_unions_map_every_tag_to_its_variant() {
    let spec: serde_json::Value = serde_json::from_str(&durand::openapi::spec_json()).unwrap();
    let schemas = &spec["components"]["schemas"];
    for (union, tags) in [("ExportLine", 7), ("FeedChange", 5)] {
        let schema = &schemas[union];
        let property = schema["discriminator"]["propertyName"].as_str().unwrap();
        let mapping = schema["discriminator"]["mapping"].as_object().unwrap();
        assert_eq!(mapping.len(), tags, "{union}");
        assert_eq!(schema["oneOf"].as_array().unwrap().len(), tags, "{union}");
        for (tag, target) in mapping {
            let variant = &schemas[target.as_str().unwrap().rsplit('/').next().unwrap()];
            assert_eq!(
                variant["properties"][property]["enum"],
                serde_json::json!([tag])
            );
            // Required: a value without its tag would match several variants.
            assert!(
                variant["required"]
                    .as_array()
                    .unwrap()
                    .contains(&serde_json::json!(property)),
                "{target}"
            );
        }
    }
}
