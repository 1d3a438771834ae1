//! What unknown paths and wrong methods get: 404 and 405 problems, never actix's plain text.

use actix_web::dev::ResourceDef;
use actix_web::{HttpRequest, web};

use crate::error::ApiError;

/// The path templates of every documented route with the methods each allows, to tell
/// "wrong method" from "no such path" and to fill `Allow`.
pub struct KnownPaths(Vec<(ResourceDef, String)>);

impl KnownPaths {
    /// Builds the matchers from the OpenAPI paths (`/v1/actors/{id}` is actix syntax too).
    pub fn from_spec(spec: &utoipa::openapi::OpenApi) -> Self {
        Self(
            spec.paths
                .paths
                .iter()
                .map(|(path, item)| {
                    let item = serde_json::to_value(item).unwrap_or_default();
                    let mut methods: Vec<&str> = Vec::new();
                    for (key, method) in [
                        ("get", "GET, HEAD"),
                        ("post", "POST"),
                        ("patch", "PATCH"),
                        ("delete", "DELETE"),
                    ] {
                        if item.get(key).is_some() {
                            methods.push(method);
                        }
                    }
                    (ResourceDef::new(path.as_str()), methods.join(", "))
                })
                .collect(),
        )
    }

    /// These paths and `paths`, each read-only (`GET, HEAD`): the pages, which the spec of the
    /// API does not list.
    pub fn with_read_only(mut self, paths: &[&str]) -> Self {
        self.0.extend(
            paths
                .iter()
                .map(|p| (ResourceDef::new(*p), "GET, HEAD".to_owned())),
        );
        self
    }

    /// The methods allowed on `path`, if any documented route has it.
    fn allowed(&self, path: &str) -> Option<String> {
        let allowed: Vec<&str> = self
            .0
            .iter()
            .filter(|(r, _)| r.is_match(path))
            .map(|(_, m)| m.as_str())
            .collect();
        (!allowed.is_empty()).then(|| allowed.join(", "))
    }
}

/// The default service: 405 with `Allow` for a known path, else 404.
pub async fn not_found(
    req: HttpRequest,
    known: web::Data<KnownPaths>,
) -> Result<actix_web::HttpResponse, ApiError> {
    Err(if let Some(allowed) = known.allowed(req.path()) {
        ApiError::MethodNotAllowed {
            method: req.method().to_string(),
            allowed,
        }
    } else {
        ApiError::NoRoute(req.path().to_owned())
    })
}
