//! The OpenAPI 3.1 document, built from the code alone (no database needed).
//!
//! `durand openapi` prints it; `make spec` writes it to `openapi/openapi.json`; a test fails
//! when the committed file differs; `/v1/openapi.json` serves the same bytes.

use actix_web::App;
use utoipa::openapi::extensions::ExtensionsBuilder;
use utoipa::openapi::header::{Header, HeaderBuilder};
use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{RefOr, Required, ResponseBuilder};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::routes;

/// The command that rewrites the committed spec.
pub const REGENERATE: &str = "make spec";

/// The document-level parts of the spec; the paths come from the registered routes.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Durand",
        description = "A sourced, attributed dataset on the Pakistan–Afghanistan conflict: actors, claims, incidents and force-strength figures.\n\nThe one rule of the data: every number is somebody's claim. Each figure carries who stated it, when, in which source, and whether it was independently verified; contradicting claims point at each other; several parties' numbers for the same thing are shown side by side, never averaged.\n\nCollections are paginated with opaque keyset cursors (`limit`, `cursor`, `meta.next_cursor`, `links.next` and an RFC 8288 `Link` header). Errors are RFC 9457 `application/problem+json`. Dates are partial (`2007`, `2025-10`, `2026-02-27`, a `start/end` range, or a range open on one side: `../2016` is \"on or before 2016\", `2022/..` \"from 2022 on\") and carry their precision and the first and last day they may mean (null on an open side); `from`/`to` filters match on overlap, an open side matching every date beyond it.\n\nEvery value is one step from the source's words: records, figures, places and relations carry `evidence` (the source id and a short verbatim span) and, where Durand concluded something the source does not say, `inference`. Places the source does not name have no point (`lat`/`lon` null; GeoJSON `geometry: null`); `precision` says what a point stands for.\n\nReads may be served by a streaming replica a moment behind the writes. To read your own writes, send the `Durand-Dataset-Version` a response gave you (a write answers with the version it made) back as a request header: the answer then reflects that version or a later one. A value that is not a whole number is a 400.",
        license(name = "Code: MIT OR Apache-2.0; data: CC-BY-4.0", identifier = "CC-BY-4.0"),
    ),
    // "/" first: the server this document is served from, so /docs calls the server it is
    // on, wherever that is; then the default local address, for the committed file.
    servers(
        (url = "/", description = "The server this document is served from"),
    ),
    tags(
        (name = "actors", description = "States, de facto governments, armed groups and others"),
        (name = "claims", description = "Statements by a party, attributed and with a verification status"),
        (name = "incidents", description = "Events at a place and time"),
        (name = "force-figures", description = "Force-strength numbers and comparisons"),
        (name = "sources", description = "The publications records cite"),
        (name = "timeline", description = "Incidents and claims in one chronological list"),
        (name = "search", description = "Full-text search across actors, claims, incidents and sources"),
        (name = "dataset", description = "Version, licence, citation and counts"),
        (name = "history", description = "Revisions of each record, and the change feed for incremental sync"),
        (name = "meta", description = "The API's own description"),
        (name = "health", description = "Liveness and readiness"),
    ),
    // Schemas referenced only from query parameters, which utoipa does not collect by itself
    // (a test checks every `$ref` resolves); the error responses come from `ErrorResponses`.
    components(
        schemas(
            crate::error::Problem,
            crate::error::ParameterError,
            crate::domain::Tombstone,
            crate::domain::Resource,
            crate::routes::v1::format::Format,
            crate::routes::v1::format::TabularFormat,
            crate::routes::v1::params::DateBound,
            crate::routes::v1::params::BBoxParam,
            crate::routes::v1::params::SearchText,
            crate::domain::ActorSort,
            crate::domain::ClaimSort,
            crate::domain::ForceFigureSort,
            crate::domain::IncidentSort,
            crate::domain::SourceSort,
        ),
    ),
    // In order: the routes first, so that the rest see their paths and schemas.
    modifiers(
        &RegisteredRoutes,
        &ErrorResponses,
        &DocumentCaching,
        &DocumentOptionalKey,
        &DocumentWriteInputs,
        &NameEnumValues,
        &SplitSummaries,
        &PublicReads,
    )
)]
struct ApiDoc;

/// The full OpenAPI document for every route the server registers.
pub fn spec() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// Adds the paths and schemas of every route [`routes::configure`] registers, collected as the
/// server registers them, to the document-level parts.
struct RegisteredRoutes;

impl Modify for RegisteredRoutes {
    fn modify(&self, spec: &mut utoipa::openapi::OpenApi) {
        let (_, full) = App::new()
            .into_utoipa_app()
            .openapi(std::mem::take(spec))
            .configure(routes::configure)
            .split_for_parts();
        *spec = full;
    }
}

/// The error responses every operation refers to (`#/components/responses/NotFound`, ...),
/// declared once in `error`.
struct ErrorResponses;

impl Modify for ErrorResponses {
    fn modify(&self, spec: &mut utoipa::openapi::OpenApi) {
        let components = spec.components.get_or_insert_with(Default::default);
        for (name, response) in crate::error::problem_responses() {
            components.responses.insert(name.to_owned(), response);
        }
    }
}

/// Reads are public: say so, rather than leave readers (and linters) wondering whether a
/// security requirement was forgotten. Writes name the `bearer` scheme, added here, themselves.
struct PublicReads;

impl Modify for PublicReads {
    fn modify(&self, spec: &mut utoipa::openapi::OpenApi) {
        spec.security = Some(Vec::new());
        if let Some(components) = spec.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .description(Some(
                            "An API key from `durand keys create --name <who> --scope read|write`, sent as `Authorization: Bearer <token>`. Needed for writes (scope `write`), where the key's name is recorded on every revision it makes. Optional on reads: with a key of any scope, reads count against the key's own, larger rate limit instead of the client address's; a key that is not valid is a 401, never read as anonymous.",
                        ))
                        .build(),
                ),
            );
        }
    }
}

/// Gives every enum value of a named schema a name unique in the document
/// (`x-enum-varnames`): `ActorSort`'s `-date` is `ACTOR_SORT_DATE_DESC`. Generators that
/// declare enum constants at package level (Go) otherwise declare `ID` once per sort enum,
/// and the client does not build.
struct NameEnumValues;

impl Modify for NameEnumValues {
    fn modify(&self, spec: &mut utoipa::openapi::OpenApi) {
        let Some(components) = spec.components.as_mut() else {
            return;
        };
        for (name, schema) in components.schemas.iter_mut() {
            let RefOr::T(Schema::Object(object)) = schema else {
                continue;
            };
            let Some(values) = &object.enum_values else {
                continue;
            };
            let names: Vec<String> = values
                .iter()
                .filter_map(serde_json::Value::as_str)
                .map(|value| enum_value_name(name, value))
                .collect();
            if names.len() != values.len() {
                continue;
            }
            let extension = ExtensionsBuilder::new()
                .add("x-enum-varnames", names)
                .build();
            object
                .extensions
                .get_or_insert_with(Default::default)
                .merge(extension);
        }
    }
}

/// `ActorSort` and `-date` → `ACTOR_SORT_DATE_DESC`: the schema's name in upper snake case,
/// then the value's, a leading `-` (descending) read as a `_DESC` suffix.
fn enum_value_name(schema: &str, value: &str) -> String {
    let mut out = String::new();
    for (i, c) in schema.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    let (value, suffix) = match value.strip_prefix('-') {
        Some(rest) => (rest, "_DESC"),
        None => (value, ""),
    };
    out.push('_');
    for c in value.chars() {
        out.push(if c.is_ascii_alphanumeric() {
            c.to_ascii_uppercase()
        } else {
            '_'
        });
    }
    out.push_str(suffix);
    out
}

/// Operations documented by one `#[doc = "Summary\n\nDescription"]` attribute (the write
/// routes, declared by a macro) get all of it as their summary and no description; split it
/// at the first blank line, as utoipa does for `///` comments.
struct SplitSummaries;

impl Modify for SplitSummaries {
    fn modify(&self, spec: &mut utoipa::openapi::OpenApi) {
        for item in spec.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for op in operations.into_iter().flatten() {
                if op.description.is_some() {
                    continue;
                }
                let Some((summary, description)) = op
                    .summary
                    .as_deref()
                    .and_then(|s| s.split_once("\n\n"))
                    .map(|(s, d)| (s.trim().to_owned(), d.trim().to_owned()))
                else {
                    continue;
                };
                op.summary = Some(summary);
                op.description = Some(description);
            }
        }
    }
}

fn string_header(description: &str) -> Header {
    HeaderBuilder::new()
        .schema(ObjectBuilder::new().schema_type(Type::String))
        .description(Some(description))
        .build()
}

/// Documents what the caching middleware adds to every `/v1` read, in one place rather than
/// on each handler: the conditional request headers, the validators and cache headers on 200
/// (which describe the past version for an `as_of` read), and the 304 answer.
struct DocumentCaching;

impl Modify for DocumentCaching {
    fn modify(&self, spec: &mut utoipa::openapi::OpenApi) {
        let conditional = [
            (
                "If-None-Match",
                "ETags from earlier responses: 304 when one still matches.",
            ),
            (
                "If-Modified-Since",
                "An HTTP date: 304 when the data has not changed since (ignored with If-None-Match).",
            ),
        ];
        let on_success = [
            (
                "ETag",
                "Strong validator: a hash of these exact bytes before compression (for the export: of the dataset's state), with the coding appended for a compressed response (`\"…-br\"`, `\"…-gzip\"`), so each coding has its own.",
            ),
            (
                "Last-Modified",
                "When the dataset last changed (with `as_of`: the time of the version it names).",
            ),
            (
                "Cache-Control",
                "public, max-age=60, stale-while-revalidate=60; with `as_of`: public, max-age=31536000, immutable (a past version never changes).",
            ),
            (
                "Vary",
                "Accept, Accept-Encoding, Origin, Durand-Dataset-Version",
            ),
            (
                "Durand-Dataset-Version",
                "The dataset version this response was built from (with `as_of`: the version it names, also when given as a time).",
            ),
        ];
        for (path, item) in spec.paths.paths.iter_mut() {
            if !path.starts_with("/v1/") {
                continue;
            }
            let Some(op) = item.get.as_mut() else {
                continue;
            };
            let params = op.parameters.get_or_insert_with(Vec::new);
            for (name, description) in conditional {
                params.push(
                    ParameterBuilder::new()
                        .name(name)
                        .parameter_in(ParameterIn::Header)
                        .required(Required::False)
                        .description(Some(description))
                        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                        .build(),
                );
            }
            if let Some(RefOr::T(ok)) = op.responses.responses.get_mut("200") {
                for (name, description) in on_success {
                    ok.headers
                        .insert(name.to_owned(), string_header(description));
                }
            }
            let not_modified = ResponseBuilder::new()
                .description("Not modified: the representation still matches `If-None-Match` (or `If-Modified-Since`); no body.")
                .header("ETag", string_header("The matching validator."))
                .header("Durand-Dataset-Version", string_header("The dataset version."))
                .build();
            op.responses
                .responses
                .insert("304".to_owned(), RefOr::T(not_modified));
        }
    }
}

/// The spec as pretty JSON with a trailing newline: the exact bytes committed and served.
pub fn spec_json() -> String {
    to_json(&spec())
}

/// Renders a spec as the committed and served bytes: pretty JSON and a trailing newline.
pub fn to_json(spec: &utoipa::openapi::OpenApi) -> String {
    let mut json = spec.to_pretty_json().expect("the spec serialises");
    json.push('\n');
    json
}

/// Partial dates are served as objects but written as the dataset files write them
/// (`"2026-02"`), or as the served object whose `value` decides. Adds `PartialDateInput` and
/// points the write bodies (`*Input`, `*Patch`, and the components inside them that hold a
/// date, as `RelationInput`) at it, so the spec says what a write takes and the server's
/// body validation, which uses these schemas, accepts exactly that.
struct DocumentWriteInputs;

impl Modify for DocumentWriteInputs {
    fn modify(&self, spec: &mut utoipa::openapi::OpenApi) {
        const PREFIX: &str = "#/components/schemas/";
        let Some(components) = spec.components.as_mut() else {
            return;
        };
        let Ok(serde_json::Value::Object(mut schemas)) = serde_json::to_value(&components.schemas)
        else {
            return;
        };
        let value_pattern = schemas
            .get("PartialDate")
            .and_then(|d| d.pointer("/properties/value/pattern"))
            .cloned()
            .unwrap_or_default();
        schemas.insert(
            "PartialDateInput".into(),
            serde_json::json!({
                "description": "A partial date as a write takes it: the text (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`, `START/END`, or a range open on one side, `../END` or `START/..`), or the served object, whose `value` decides (`precision`, `start` and `end`, if given, must agree with it; null on an open side).",
                "anyOf": [
                    {"type": "string", "pattern": value_pattern, "examples": ["2026-02-27", "2025-10", "2007", "../2026-02-27"]},
                    {
                        "type": "object",
                        "required": ["value"],
                        "properties": {
                            "value": {"type": "string", "pattern": value_pattern},
                            "precision": {"$ref": format!("{PREFIX}DatePrecision")},
                            "start": {"type": ["string", "null"], "format": "date"},
                            "end": {"type": ["string", "null"], "format": "date"}
                        },
                        "additionalProperties": false
                    }
                ]
            }),
        );
        fn refers_to(node: &serde_json::Value, targets: &[String]) -> bool {
            match node {
                serde_json::Value::Object(map) => map.iter().any(|(k, v)| {
                    (k == "$ref" && v.as_str().is_some_and(|r| targets.iter().any(|t| t == r)))
                        || refers_to(v, targets)
                }),
                serde_json::Value::Array(items) => items.iter().any(|v| refers_to(v, targets)),
                _ => false,
            }
        }
        fn rewrite(node: &mut serde_json::Value, renames: &[(String, String)]) {
            match node {
                serde_json::Value::Object(map) => {
                    for (key, value) in map.iter_mut() {
                        if key == "$ref"
                            && let Some((_, to)) = renames
                                .iter()
                                .find(|(from, _)| value.as_str() == Some(from))
                        {
                            *value = serde_json::Value::String(to.clone());
                        } else {
                            rewrite(value, renames);
                        }
                    }
                }
                serde_json::Value::Array(items) => {
                    items.iter_mut().for_each(|v| rewrite(v, renames))
                }
                _ => {}
            }
        }
        let is_body = |name: &str| name.ends_with("Input") || name.ends_with("Patch");
        // Components (other than write bodies and records) that hold a date, directly or not.
        let records = ["Source", "Actor", "Incident", "Claim", "ForceFigure"];
        let mut holders: Vec<String> = Vec::new();
        let mut targets = vec![format!("{PREFIX}PartialDate")];
        loop {
            let found: Vec<String> = schemas
                .iter()
                .filter(|(name, schema)| {
                    !is_body(name)
                        && !records.contains(&name.as_str())
                        && name.as_str() != "PartialDate"
                        && !holders.contains(name)
                        && refers_to(schema, &targets)
                })
                .map(|(name, _)| name.clone())
                .collect();
            if found.is_empty() {
                break;
            }
            targets.extend(found.iter().map(|n| format!("{PREFIX}{n}")));
            holders.extend(found);
        }
        let mut renames = vec![(
            format!("{PREFIX}PartialDate"),
            format!("{PREFIX}PartialDateInput"),
        )];
        renames.extend(
            holders
                .iter()
                .map(|n| (format!("{PREFIX}{n}"), format!("{PREFIX}{n}Input"))),
        );
        // Only the holders the write bodies use get an input twin.
        let bodies: Vec<String> = schemas.keys().filter(|n| is_body(n)).cloned().collect();
        for holder in &holders {
            let used = bodies
                .iter()
                .any(|b| refers_to(&schemas[b], &[format!("{PREFIX}{holder}")]));
            if used {
                let mut twin = schemas[holder].clone();
                rewrite(&mut twin, &renames);
                schemas.insert(format!("{holder}Input"), twin);
            }
        }
        for body in &bodies {
            if let Some(schema) = schemas.get_mut(body) {
                rewrite(schema, &renames);
            }
        }
        // Only the new and rewritten schemas go back (not every schema round-trips through JSON).
        let mut changed = bodies;
        changed.push("PartialDateInput".into());
        changed.extend(holders.iter().map(|h| format!("{h}Input")));
        for name in changed {
            let Some(schema) = schemas.get(&name) else {
                continue;
            };
            match serde_json::from_value(schema.clone()) {
                Ok(parsed) => {
                    components.schemas.insert(name, parsed);
                }
                Err(e) => panic!("the write schema {name} does not parse: {e}"),
            }
        }
    }
}

/// Documents the optional key on reads, which the rate limiter (not the handlers) reads: each
/// `/v1` GET may be called anonymously or with the `bearer` key (`[{}, {"bearer": []}]`, so
/// generated clients send a key when they have one and need none), and answers 401 to a key
/// that is not valid.
struct DocumentOptionalKey;

impl Modify for DocumentOptionalKey {
    fn modify(&self, spec: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::SecurityRequirement;
        for (path, item) in spec.paths.paths.iter_mut() {
            if !path.starts_with("/v1/") {
                continue;
            }
            let Some(op) = item.get.as_mut() else {
                continue;
            };
            op.security = Some(vec![
                SecurityRequirement::default(),
                SecurityRequirement::new("bearer", Vec::<String>::new()),
            ]);
            op.responses.responses.insert(
                "401".to_owned(),
                RefOr::Ref(utoipa::openapi::Ref::from_response_name("Unauthorized")),
            );
        }
    }
}
