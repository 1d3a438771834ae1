//! The one error type of the HTTP layer, rendered as RFC 9457 `application/problem+json`.
//!
//! Every error a client can see goes through [`ApiError`], including actix's own extractor
//! failures, unknown paths and wrong methods. 5xx bodies say nothing internal: the cause is
//! logged with the request id instead.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::{ToResponse, ToSchema};

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:durand:problem:invalid-parameter",
    "title": "Invalid query parameter",
    "status": 400,
    "detail": "`limit` must be a whole number from 1 to 500, got `0`",
    "errors": [{"parameter": "limit", "detail": "must be a whole number from 1 to 500, got `0`"}]
}))]
pub struct Problem {
    /// What kind of problem this is: `about:blank` when the HTTP status says it all,
    /// else a `urn:durand:problem:*` name.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// A short summary of the problem type.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong with this request, and how to fix it.
    pub detail: String,
    /// One entry per offending parameter.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ParameterError>,
}

/// What is wrong with one parameter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ParameterError {
    /// The parameter's name, e.g. `limit`.
    pub parameter: String,
    /// What is wrong with it and what is allowed.
    pub detail: String,
}

impl ParameterError {
    /// An error on one named parameter.
    pub fn new(parameter: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            parameter: parameter.into(),
            detail: detail.into(),
        }
    }
}

/// Everything that can go wrong while answering a request.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// One or more query parameters are unknown or malformed.
    #[error("invalid query parameter")]
    InvalidParameters(Vec<ParameterError>),
    /// The path names a record that does not exist.
    #[error("{0}")]
    NotFound(String),
    /// No route has this path.
    #[error("no route for {0}")]
    NoRoute(String),
    /// The route exists but not with this method.
    #[error("method not allowed")]
    MethodNotAllowed {
        method: String,
        allowed: &'static str,
    },
    /// No representation the client accepts: `offered` lists what this resource has.
    #[error("not acceptable")]
    NotAcceptable { offered: &'static [&'static str] },
    /// The client is over its rate limit; it may retry after `retry_after` seconds.
    #[error("too many requests")]
    TooManyRequests { retry_after: u64 },
    /// The database cannot be reached right now.
    #[error("database unavailable")]
    Unavailable(#[source] sqlx::Error),
    /// Anything else: a bug or a broken invariant.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    /// A single bad parameter.
    pub fn invalid(parameter: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::InvalidParameters(vec![ParameterError::new(parameter, detail)])
    }

    fn problem(&self) -> Problem {
        let status = self.status_code();
        let blank = |detail: String| Problem {
            problem_type: "about:blank".into(),
            title: status.canonical_reason().unwrap_or("Error").into(),
            status: status.as_u16(),
            detail,
            errors: Vec::new(),
        };
        match self {
            Self::InvalidParameters(errors) => Problem {
                problem_type: "urn:durand:problem:invalid-parameter".into(),
                title: "Invalid query parameter".into(),
                status: status.as_u16(),
                detail: errors
                    .iter()
                    .map(|e| format!("`{}` {}", e.parameter, e.detail))
                    .collect::<Vec<_>>()
                    .join("; "),
                errors: errors.clone(),
            },
            Self::NotFound(what) => blank(what.clone()),
            Self::NoRoute(path) => blank(format!(
                "No resource at `{path}`. The API lives under /v1; see /v1/openapi.json or /docs."
            )),
            Self::MethodNotAllowed { method, allowed } => blank(format!(
                "`{method}` is not supported here; allowed: {allowed}. The API is read-only."
            )),
            Self::NotAcceptable { offered } => blank(format!(
                "This resource is available as {}; ask for one of them with `Accept` or `format`.",
                offered.join(", ")
            )),
            Self::TooManyRequests { retry_after } => blank(format!(
                "Too many requests from this client; retry after {retry_after} s. The limit is per client address, for anonymous reads."
            )),
            Self::Unavailable(_) => {
                blank("The database is unavailable right now; retry shortly.".into())
            }
            Self::Internal(_) => blank("An unexpected error occurred. It has been logged; quote the X-Request-Id header when reporting it.".into()),
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed => {
                Self::Unavailable(e)
            }
            other => Self::Internal(other.into()),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::InvalidParameters(_) => StatusCode::BAD_REQUEST,
            Self::NotFound(_) | Self::NoRoute(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::NotAcceptable { .. } => StatusCode::NOT_ACCEPTABLE,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Internal(e) => tracing::error!(error = ?e, "request failed"),
            Self::Unavailable(e) => tracing::warn!(error = %e, "database unavailable"),
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        response.content_type(PROBLEM_JSON);
        if let Self::MethodNotAllowed { allowed, .. } = self {
            response.insert_header((header::ALLOW, *allowed));
        }
        if matches!(self, Self::Unavailable(_)) {
            response.insert_header((header::RETRY_AFTER, "5"));
        }
        if let Self::TooManyRequests { retry_after } = self {
            response.insert_header((header::RETRY_AFTER, retry_after.to_string()));
        }
        response.json(self.problem())
    }
}

/// 400: a query parameter is unknown, repeated or malformed.
#[derive(ToResponse)]
#[response(
    description = "A query parameter is unknown, repeated or malformed; `errors` names it and says what is allowed.",
    content_type = "application/problem+json"
)]
#[expect(dead_code, reason = "only its schema is used, for the spec")]
pub struct BadRequest(Problem);

/// 404: no record has this id.
#[derive(ToResponse)]
#[response(
    description = "No record has this id.",
    content_type = "application/problem+json"
)]
#[expect(dead_code, reason = "only its schema is used, for the spec")]
pub struct NotFound(Problem);

/// 500: a bug; the body says nothing internal.
#[derive(ToResponse)]
#[response(
    description = "Unexpected server error; quote the X-Request-Id response header when reporting it.",
    content_type = "application/problem+json"
)]
#[expect(dead_code, reason = "only its schema is used, for the spec")]
pub struct InternalError(Problem);

/// 503: the database cannot be reached.
#[derive(ToResponse)]
#[response(
    description = "The database is unavailable; retry after the `Retry-After` seconds.",
    content_type = "application/problem+json"
)]
#[expect(dead_code, reason = "only its schema is used, for the spec")]
pub struct Unavailable(Problem);

/// 406: the resource has no representation the client accepts.
#[expect(dead_code, reason = "only its schema is used, for the spec")]
#[derive(ToResponse)]
#[response(
    description = "None of the formats asked for (`Accept` or `format`) is offered here; `detail` lists those that are.",
    content_type = "application/problem+json"
)]
pub struct NotAcceptable(Problem);

/// 429: over the per-client rate limit.
#[expect(dead_code, reason = "only its schema is used, for the spec")]
#[derive(ToResponse)]
#[response(
    description = "Too many requests from this client address; retry after `Retry-After` seconds.",
    content_type = "application/problem+json",
    headers(
        ("Retry-After" = u64, description = "Seconds to wait before retrying"),
        ("RateLimit-Limit" = u64, description = "Requests allowed in a burst"),
        ("RateLimit-Remaining" = u64, description = "Requests left before the limit applies"),
        ("RateLimit-Reset" = u64, description = "Seconds until the allowance is full again"),
    )
)]
pub struct TooManyRequests(Problem);
