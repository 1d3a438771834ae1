//! Cross-origin requests: the CORS policy (any origin may read, and write with a key), and
//! what actix-cors's answers lack: a problem body when it refuses a preflight, and a `Vary`
//! that names each header once (it appends its own names to ours).

use actix_cors::{Cors, CorsError};
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, ResponseError};

use crate::error::ApiError;

/// The methods a cross-origin request may use.
const ALLOWED_METHODS: [&str; 6] = ["GET", "HEAD", "OPTIONS", "POST", "PATCH", "DELETE"];

/// CORS open for reads from any origin, exposing the headers browser code needs.
pub fn policy() -> Cors {
    Cors::default()
        .allow_any_origin()
        .send_wildcard()
        .allowed_methods(ALLOWED_METHODS)
        .allow_any_header()
        .expose_headers([
            "ETag",
            "Location",
            "Idempotent-Replayed",
            "Last-Modified",
            "Link",
            "Retry-After",
            "RateLimit-Limit",
            "RateLimit-Remaining",
            "RateLimit-Reset",
            "RateLimit-Policy",
            "X-Request-Id",
            "Durand-Dataset-Version",
        ])
        .max_age(86_400)
}

/// Middleware around [`policy`]: a preflight it refuses (a method this API does not allow)
/// gets a 400 problem naming the header at fault instead of a line of plain text, and every
/// response's `Vary` names each header once.
pub async fn tidy(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let res = next.call(req).await?;
    let refusal = res
        .response()
        .error()
        .and_then(|e| e.as_error::<CorsError>())
        .map(|e| problem(res.request(), e));
    let mut res = match refusal {
        Some(problem) => {
            let (req, _) = res.into_parts();
            ServiceResponse::new(req, problem.error_response())
        }
        None => res.map_into_boxed_body(),
    };
    vary_once(res.headers_mut());
    Ok(res)
}

/// What a refused preflight was refused for, as a problem.
fn problem(req: &HttpRequest, error: &CorsError) -> ApiError {
    let asked = |name| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    match error {
        CorsError::MethodNotAllowed => ApiError::invalid(
            "Access-Control-Request-Method",
            format!(
                "is `{}`, which this API does not allow; it allows {}",
                asked(header::ACCESS_CONTROL_REQUEST_METHOD),
                ALLOWED_METHODS.join(", ")
            ),
        ),
        CorsError::MissingRequestMethod | CorsError::BadRequestMethod => ApiError::invalid(
            "Access-Control-Request-Method",
            format!("must name one method: {}", ALLOWED_METHODS.join(", ")),
        ),
        CorsError::HeadersNotAllowed | CorsError::BadRequestHeaders => ApiError::invalid(
            "Access-Control-Request-Headers",
            format!(
                "is `{}`, which is not a list of header names this API allows",
                asked(header::ACCESS_CONTROL_REQUEST_HEADERS)
            ),
        ),
        other => ApiError::invalid("Origin", other.to_string()),
    }
}

/// Folds every `Vary` into one that names each header once, in the order first named.
fn vary_once(headers: &mut HeaderMap) {
    let mut names: Vec<String> = Vec::new();
    for name in headers
        .get_all(header::VARY)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        if !names.iter().any(|seen| seen.eq_ignore_ascii_case(name)) {
            names.push(name.to_owned());
        }
    }
    if names.is_empty() {
        return;
    }
    if names.iter().any(|n| n == "*") {
        names = vec!["*".to_owned()];
    }
    if let Ok(value) = HeaderValue::from_str(&names.join(", ")) {
        headers.insert(header::VARY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vary(values: &[&str]) -> String {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append(header::VARY, HeaderValue::from_str(v).unwrap());
        }
        vary_once(&mut headers);
        let all: Vec<_> = headers.get_all(header::VARY).collect();
        assert!(all.len() <= 1, "{all:?}");
        all.first()
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    }

    #[test]
    fn each_header_is_named_once_in_the_order_first_named() {
        assert_eq!(
            vary(&[
                "Accept, Origin, Durand-Dataset-Version, Origin, Access-Control-Request-Method"
            ]),
            "Accept, Origin, Durand-Dataset-Version, Access-Control-Request-Method"
        );
        assert_eq!(
            vary(&["Accept-Encoding", "accept-encoding, Origin"]),
            "Accept-Encoding, Origin"
        );
        assert_eq!(vary(&["Origin", "*"]), "*");
        assert_eq!(vary(&[]), "");
    }
}
