//! The one error type of the HTTP layer, rendered as RFC 9457 `application/problem+json`.
//!
//! Every error a client can see goes through [`ApiError`], including actix's own extractor
//! failures, unknown paths and wrong methods. 5xx bodies say nothing internal: the cause is
//! logged with the request id instead.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::openapi::{RefOr, Response};
use utoipa::{ToResponse, ToSchema};

use crate::domain::{Resource, Tombstone};

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
    /// One entry per offending parameter, header or body field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ParameterError>,
    /// For 410 Gone: when the record was deleted, by whom and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tombstone: Option<Tombstone>,
}

/// The longest text a problem repeats back from a request, in characters: a client's 8 KB
/// value or parameter name must not come back twice its size.
const ECHO_LIMIT: usize = 200;

/// `text`, cut to `limit` characters with an ellipsis when longer.
fn truncated(text: &str, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        None => text.to_owned(),
        Some((end, _)) => format!("{}…", &text[..end]),
    }
}

impl Problem {
    /// The problem of a bare HTTP status, for an error answered without a body.
    pub fn blank(status: StatusCode) -> Self {
        let reason = status.canonical_reason().unwrap_or("Error");
        Self {
            problem_type: "about:blank".into(),
            title: reason.into(),
            status: status.as_u16(),
            detail: format!("{reason}."),
            errors: Vec::new(),
            tombstone: None,
        }
    }

    /// The problem with every text that may repeat the request cut to a bounded length.
    fn bounded(mut self) -> Self {
        // A detail quotes a value or two besides its own words.
        self.detail = truncated(&self.detail, 3 * ECHO_LIMIT);
        for e in &mut self.errors {
            e.detail = truncated(&e.detail, 2 * ECHO_LIMIT);
            e.parameter = e.parameter.as_deref().map(|p| truncated(p, ECHO_LIMIT));
            e.pointer = e.pointer.as_deref().map(|p| truncated(p, ECHO_LIMIT));
        }
        self.errors.truncate(100);
        self
    }
}

/// What is wrong with one query parameter or header (`parameter`), or one field of the
/// request body (`pointer`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ParameterError {
    /// The query parameter or header, e.g. `limit` or `If-Match`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    /// A JSON Pointer (RFC 6901) to the body field, e.g. `/figures/0/value`; `""` for the
    /// whole body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// What is wrong with it and what is allowed.
    pub detail: String,
}

impl ParameterError {
    /// An error on one named parameter or header.
    pub fn new(parameter: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            parameter: Some(parameter.into()),
            pointer: None,
            detail: detail.into(),
        }
    }

    /// An error on one field of the request body, named by its JSON Pointer.
    pub fn at(pointer: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            parameter: None,
            pointer: Some(pointer.into()),
            detail: detail.into(),
        }
    }

    /// Where the error is, for messages: the parameter, or the pointer.
    fn location(&self) -> String {
        match (&self.parameter, &self.pointer) {
            (Some(p), _) => format!("`{p}`"),
            (None, Some(p)) if p.is_empty() => "the body".to_owned(),
            (None, Some(p)) => format!("`{p}`"),
            (None, None) => "the request".to_owned(),
        }
    }
}

/// Everything that can go wrong while answering a request.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// One or more query parameters are unknown or malformed.
    #[error("invalid query parameter")]
    InvalidParameters(Vec<ParameterError>),
    /// The path names a record that does not exist (and never did, or a 410 would answer).
    #[error("no {} has the id `{id}`", resource.singular())]
    NotFound { resource: Resource, id: String },
    /// A 404 with a message of its own: a path that names no collection or no record.
    #[error("{0}")]
    Absent(String),
    /// No route has this path.
    #[error("no route for {0}")]
    NoRoute(String),
    /// The route exists but not with this method.
    #[error("method not allowed")]
    MethodNotAllowed { method: String, allowed: String },
    /// No representation the client accepts: `offered` lists what this resource has.
    #[error("not acceptable")]
    NotAcceptable { offered: &'static [&'static str] },
    /// `Accept-Encoding` (`asked`) rules out every content coding the server can send
    /// (`offered`, for the message).
    #[error("no acceptable content coding")]
    EncodingNotAcceptable {
        asked: String,
        offered: &'static str,
    },
    /// The client is over a rate limit; it may retry after `retry_after` seconds. `detail`
    /// says which bucket ran out (the rate limiter words it).
    #[error("too many requests")]
    TooManyRequests { retry_after: u64, detail: String },
    /// No usable credentials on a write, or unusable ones on a read: `detail` says what was
    /// wrong.
    #[error("unauthorized")]
    Unauthorized { detail: String, invalid_token: bool },
    /// The key is valid but may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// The record was deleted; the tombstone says when, by whom and why.
    #[error("gone")]
    Gone(Box<Tombstone>),
    /// The write conflicts with the data as it is (id taken, record still referenced, ...).
    #[error("{0}")]
    Conflict(String, Vec<ParameterError>),
    /// The request body is not JSON, or not an object.
    #[error("malformed body")]
    MalformedBody(String),
    /// The body is JSON but not a valid record: one entry per problem field.
    #[error("invalid body")]
    InvalidBody(Vec<ParameterError>),
    /// The body is not in a media type this operation accepts.
    #[error("unsupported media type")]
    UnsupportedMediaType { offered: &'static [&'static str] },
    /// The body is larger than the server accepts.
    #[error("payload too large")]
    PayloadTooLarge { limit: usize },
    /// The body did not arrive in time.
    #[error("body timeout")]
    BodyTimeout { seconds: u64 },
    /// A write without `If-Match`.
    #[error("precondition required")]
    PreconditionRequired,
    /// `If-Match` does not match the record's current ETag (someone else wrote first).
    #[error("precondition failed")]
    PreconditionFailed { current: String },
    /// The database cannot be reached right now.
    #[error("database unavailable")]
    Unavailable(#[source] sqlx::Error),
    /// The database is known to be unreachable (the circuit is open, `circuit`): answered
    /// without trying it.
    #[error("database down for {for_s} s")]
    DatabaseDown { for_s: u64 },
    /// This process is shutting down (`/readyz` while draining).
    #[error("shutting down")]
    ShuttingDown,
    /// A wait ran out: a write that waited for another (the lock timeout), or a query that
    /// ran past the statement timeout. Nothing was written; retrying shortly may succeed.
    #[error("busy: {0}")]
    Busy(String),
    /// Anything else: a bug or a broken invariant.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    /// Whether this says the database could not be reached (which opens the circuit); a pool
    /// closed by shutdown does not count.
    pub fn is_unreachable(&self) -> bool {
        matches!(self, Self::Unavailable(e) if !matches!(e, sqlx::Error::PoolClosed))
    }

    /// The answer for a record that is not there: 410 with its tombstone if it was deleted,
    /// else `not_found`; or the lookup's own failure.
    pub fn gone_or(tombstone: Result<Option<Tombstone>, sqlx::Error>, not_found: ApiError) -> Self {
        match tombstone {
            Ok(Some(t)) => Self::Gone(Box::new(t)),
            Ok(None) => not_found,
            Err(e) => e.into(),
        }
    }

    /// A single bad parameter.
    pub fn invalid(parameter: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::InvalidParameters(vec![ParameterError::new(parameter, detail)])
    }

    /// The problem document this error is answered with.
    pub fn problem(&self) -> Problem {
        let status = self.status_code();
        let blank = |detail: String| Problem {
            problem_type: "about:blank".into(),
            title: status.canonical_reason().unwrap_or("Error").into(),
            status: status.as_u16(),
            detail,
            errors: Vec::new(),
            tombstone: None,
        };
        let listed = |problem_type: &str, title: &str, errors: &[ParameterError]| Problem {
            problem_type: problem_type.into(),
            title: title.into(),
            status: status.as_u16(),
            detail: errors
                .iter()
                .map(|e| format!("{} {}", e.location(), e.detail))
                .collect::<Vec<_>>()
                .join("; "),
            errors: errors.to_vec(),
            tombstone: None,
        };
        match self {
            Self::InvalidParameters(errors) => listed(
                "urn:durand:problem:invalid-parameter",
                "Invalid query parameter",
                errors,
            ),
            Self::InvalidBody(errors) => listed(
                "urn:durand:problem:invalid-body",
                "Invalid record",
                errors,
            ),
            Self::Unauthorized { detail, .. } => blank(format!(
                "{detail} Writes need `Authorization: Bearer <token>` with a key from `durand keys create`; reads need no key, and with a valid one count against the key's own rate limit instead of the address's."
            )),
            Self::Forbidden(detail) => blank(detail.clone()),
            Self::Gone(tombstone) => Problem {
                detail: format!(
                    "{}/{} was deleted in dataset version {} by {}: {}",
                    tombstone.resource,
                    tombstone.id,
                    tombstone.version,
                    tombstone.deleted_by,
                    tombstone.reason
                ),
                tombstone: Some((**tombstone).clone()),
                ..blank(String::new())
            },
            Self::Conflict(detail, errors) => Problem {
                errors: errors.clone(),
                ..blank(detail.clone())
            },
            Self::MalformedBody(detail) => Problem {
                problem_type: "urn:durand:problem:malformed-body".into(),
                title: "Malformed request body".into(),
                ..blank(detail.clone())
            },
            Self::UnsupportedMediaType { offered } => blank(format!(
                "Send the body as {} (with that `Content-Type`).",
                offered.join(" or ")
            )),
            Self::PayloadTooLarge { limit } => {
                blank(format!("The body is larger than the {limit} bytes accepted."))
            }
            Self::BodyTimeout { seconds } => blank(format!(
                "The body did not arrive within {seconds} s; nothing was changed. Send it again, whole."
            )),
            Self::PreconditionRequired => Problem {
                errors: vec![ParameterError::new("If-Match", "is required")],
                ..blank("Send `If-Match` with the record's ETag (from a GET) so that a write cannot overwrite a change you have not seen.".into())
            },
            Self::PreconditionFailed { current } => Problem {
                errors: vec![ParameterError::new(
                    "If-Match",
                    format!("does not match the current ETag {current}"),
                )],
                ..blank("The record changed since you read it: GET it again, reapply your change, and retry with the new ETag.".into())
            },
            Self::NotFound { resource, id } => blank(format!(
                "No {} has the id `{id}`.",
                resource.singular()
            )),
            Self::Absent(what) => blank(what.clone()),
            Self::NoRoute(path) => blank(format!(
                "No resource at `{path}`. The API lives under /v1; see /v1/openapi.json or /docs."
            )),
            Self::MethodNotAllowed { method, allowed } => blank(format!(
                "`{method}` is not supported here; allowed: {allowed}."
            )),
            // A resource with one representation has no `format` parameter.
            Self::NotAcceptable { offered: [only] } => blank(format!(
                "This resource is available only as {only}; send an `Accept` that allows it, or none."
            )),
            Self::NotAcceptable { offered } => blank(format!(
                "This resource is available as {}; ask for one of them with `Accept` or `format`.",
                offered.join(", ")
            )),
            Self::EncodingNotAcceptable { asked, offered } => Problem {
                errors: vec![ParameterError::new(
                    "Accept-Encoding",
                    format!("is `{asked}`, which rules out every coding offered: {offered}"),
                )],
                ..blank(format!(
                    "`Accept-Encoding` rules out every content coding this server sends: {offered}. Allow one of them, or send no `Accept-Encoding`."
                ))
            },
            Self::TooManyRequests { detail, .. } => blank(detail.clone()),
            Self::Unavailable(_) => {
                blank("The database is unavailable right now; retry shortly.".into())
            }
            Self::Busy(why) => blank(format!("{why}; nothing was changed. Retry shortly.")),
            Self::DatabaseDown { for_s } => blank(format!(
                "The database has been unreachable for {for_s} s, so nothing was read or written; this server checks it five times a second. Retry after `Retry-After`."
            )),
            Self::ShuttingDown => blank(
                "This server is shutting down and finishing the requests it has; retry, and another will answer.".into(),
            ),
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
            sqlx::Error::Database(ref db) => match db.code().as_deref() {
                // lock_not_available: `lock_timeout` ran out waiting for a lock.
                Some("55P03") => Self::Busy("Another write held the dataset for too long".into()),
                // query_canceled: `statement_timeout` ran out.
                Some("57014") => Self::Busy("The query ran past its time limit".into()),
                // The server going away or refusing connections: connection exceptions
                // (class 08), its shutdown or crash (57P01-57P03), too many connections.
                Some(code)
                    if code.starts_with("08") || code.starts_with("57P") || code == "53300" =>
                {
                    Self::Unavailable(e)
                }
                _ => Self::Internal(e.into()),
            },
            other => Self::Internal(other.into()),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::InvalidParameters(_) => StatusCode::BAD_REQUEST,
            Self::NotFound { .. } | Self::Absent(_) | Self::NoRoute(_) => StatusCode::NOT_FOUND,
            Self::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::Gone(_) => StatusCode::GONE,
            Self::Conflict(..) => StatusCode::CONFLICT,
            Self::MalformedBody(_) => StatusCode::BAD_REQUEST,
            Self::InvalidBody(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::BodyTimeout { .. } => StatusCode::REQUEST_TIMEOUT,
            Self::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            Self::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::NotAcceptable { .. } | Self::EncodingNotAcceptable { .. } => {
                StatusCode::NOT_ACCEPTABLE
            }
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_)
            | Self::Busy(_)
            | Self::DatabaseDown { .. }
            | Self::ShuttingDown => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Internal(e) => tracing::error!(error = ?e, "request failed"),
            Self::Unavailable(e) => tracing::warn!(error = %e, "database unavailable"),
            Self::Busy(why) => tracing::warn!(%why, "a wait ran out"),
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        response.content_type(PROBLEM_JSON);
        if let Self::MethodNotAllowed { allowed, .. } = self {
            response.insert_header((header::ALLOW, allowed.as_str()));
        }
        if matches!(self, Self::Unavailable(_)) {
            response.insert_header((header::RETRY_AFTER, "5"));
        }
        if matches!(self, Self::BodyTimeout { .. }) {
            // The rest of the body may still be on its way: the connection cannot be reused.
            response.insert_header((header::CONNECTION, "close"));
        }
        if matches!(self, Self::Busy(_)) {
            response.insert_header((header::RETRY_AFTER, "2"));
        }
        if matches!(self, Self::DatabaseDown { .. } | Self::ShuttingDown) {
            response.insert_header((header::RETRY_AFTER, "1"));
        }
        if let Self::Unauthorized { invalid_token, .. } = self {
            let challenge = if *invalid_token {
                r#"Bearer realm="durand", error="invalid_token""#
            } else {
                r#"Bearer realm="durand""#
            };
            response.insert_header((header::WWW_AUTHENTICATE, challenge));
        }
        if let Self::PreconditionFailed { current } = self {
            response.insert_header((header::ETAG, current.as_str()));
        }
        if let Self::TooManyRequests { retry_after, .. } = self {
            response.insert_header((header::RETRY_AFTER, retry_after.to_string()));
        }
        response.json(self.problem().bounded())
    }
}

/// Declares the documented answer of each error status, for the spec only (a problem document
/// with its description and headers), and `problem_responses`, which lists them all.
macro_rules! problem_responses {
    ($($(#[$doc:meta])* $name:ident, $description:tt $(, headers($($headers:tt)*))?;)*) => {
        $(
            $(#[$doc])*
            #[derive(ToResponse)]
            #[response(
                description = $description,
                content_type = "application/problem+json"
                $(, headers($($headers)*))?
            )]
            #[expect(dead_code, reason = "only its schema is used, for the spec")]
            pub struct $name(Problem);
        )*

        /// Every declared error response, named, for the spec's `components.responses`.
        pub fn problem_responses() -> Vec<(&'static str, RefOr<Response>)> {
            vec![$(<$name as ToResponse>::response()),*]
        }
    };
}

problem_responses! {
    /// 400: a query parameter is unknown, repeated or malformed.
    BadRequest,
    "A query parameter is unknown, repeated or malformed; `errors` names it and says what is allowed.";

    /// 404: no record has this id.
    NotFound,
    "No record has this id.";

    /// 500: a bug; the body says nothing internal.
    InternalError,
    "Unexpected server error; quote the X-Request-Id response header when reporting it.";

    /// 503: the database cannot be reached.
    Unavailable,
    "The database is unavailable, or a wait ran past its limit (a write waiting for another, a query past its time); nothing was written. Retry after the `Retry-After` seconds.";

    /// 406: the resource has no representation the client accepts.
    NotAcceptable,
    "None of the formats asked for (`Accept` or `format`) is offered here; `detail` lists those that are.";

    /// 429: over the rate limit of the client's address or of its API key.
    TooManyRequests,
    "Too many requests: from this client address without an API key (`anonymous`), with this key (`key`), or from this address with credentials that are no valid key (`key-check`); `RateLimit-Policy` names the bucket. Retry after `Retry-After` seconds.",
    headers(
        ("Retry-After" = u64, description = "Seconds to wait before retrying"),
        ("RateLimit-Limit" = u64, description = "Requests allowed in a burst"),
        ("RateLimit-Remaining" = u64, description = "Requests left before the limit applies"),
        ("RateLimit-Reset" = u64, description = "Seconds until the allowance is full again"),
        ("RateLimit-Policy" = String, description = "The bucket's quota, as `<per_minute>;w=60;burst=<burst>;policy=\"<anonymous|key|key-check>\"` (draft-ietf-httpapi-ratelimit-headers-06)"),);

    /// 401: a write without a valid key.
    Unauthorized,
    "No `Authorization: Bearer` token on a write, or, on any request, an `Authorization` header that is not a valid key (unreadable, another scheme, unknown or revoked).",
    headers(("WWW-Authenticate" = String, description = "`Bearer realm=\"durand\"`, with `error=\"invalid_token\"` when a token was sent but is not valid"));

    /// 403: the key's scope does not allow this.
    Forbidden,
    "The key is valid but its scope does not allow this operation.";

    /// 410: the record was deleted.
    Gone,
    "The record was deleted; `tombstone` says when (dataset version and time), by whom and why. Its id is never reused.";

    /// 409: the write conflicts with the data.
    Conflict,
    "The write conflicts with the data as it is: the id is taken (or was deleted and cannot be reused), or other records still refer to the one being deleted (`errors` lists them).";

    /// 400 on a write: the body is not a JSON object.
    MalformedBody,
    "The body is not JSON, or not a JSON object, or a query parameter or header is malformed; `errors` says where.";

    /// 422: the body is not a valid record.
    UnprocessableBody,
    "The body is JSON but not a valid record; `errors` lists every problem, each with the JSON Pointer of its field.";

    /// 415: the body's media type is not accepted.
    UnsupportedMediaType,
    "The body's `Content-Type` is not one this operation accepts.";

    /// 413: the body is too large.
    PayloadTooLarge,
    "The body is larger than the server accepts.";

    /// 408: the body did not arrive in time.
    RequestTimeout,
    "The body did not arrive within 5 s of its first byte; nothing was changed.";

    /// 428: a write without `If-Match`.
    PreconditionRequired,
    "`If-Match` is required: send the ETag from your last GET of the record.";

    /// 412: `If-Match` is stale.
    PreconditionFailed,
    "The record changed since the ETag in `If-Match` was read; the response's `ETag` is the current one.",
    headers(("ETag" = String, description = "The record's current ETag"));
}
