//! What unknown paths and wrong methods get: 404 and 405 problems, never actix's plain text.

use actix_web::dev::ResourceDef;
use actix_web::{HttpRequest, web};

use crate::error::ApiError;

/// The path templates of every documented route, to tell "wrong method" from "no such path".
pub struct KnownPaths(Vec<ResourceDef>);

impl KnownPaths {
    /// Builds the matchers from the OpenAPI paths (`/v1/actors/{id}` is actix syntax too).
    pub fn from_spec(spec: &utoipa::openapi::OpenApi) -> Self {
        Self(
            spec.paths
                .paths
                .keys()
                .map(|p| ResourceDef::new(p.as_str()))
                .collect(),
        )
    }

    fn matches(&self, path: &str) -> bool {
        self.0.iter().any(|r| r.is_match(path))
    }
}

/// The default service: 405 with `Allow` for a known path, else 404.
pub async fn not_found(
    req: HttpRequest,
    known: web::Data<KnownPaths>,
) -> Result<actix_web::HttpResponse, ApiError> {
    Err(if known.matches(req.path()) {
        ApiError::MethodNotAllowed {
            method: req.method().to_string(),
            allowed: "GET, HEAD",
        }
    } else {
        ApiError::NoRoute(req.path().to_owned())
    })
}
