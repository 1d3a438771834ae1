//! Query-string extraction that names the offending parameter in its error.
//!
//! actix's `web::Query` reports serde's message without the field it came from ("unknown
//! variant `x`"). [`Params`] runs the same `serde_urlencoded` parsing through
//! `serde_path_to_error`, so a bad value becomes a 400 problem naming its parameter.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Typed query parameters; unknown, repeated and malformed parameters are 400 problems.
#[derive(Debug)]
pub struct Params<T>(pub T);

/// Parses a query string into `T`, naming the parameter at fault when it fails.
///
/// A value holding the NUL character is refused here, for every parameter at once:
/// PostgreSQL text cannot hold one, so it could only fail later, as a 500. (`cursor` is left
/// to its own decoder, which rejects anything it did not issue with a more useful message.)
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let pairs = form_urlencoded::parse(query.as_bytes());
    if let Some((key, _)) = pairs
        .clone()
        .find(|(k, v)| k != "cursor" && v.contains('\0'))
    {
        return Err(ApiError::invalid(
            key,
            crate::routes::v1::params::NUL_IN_TEXT,
        ));
    }
    let deserializer = serde_urlencoded::Deserializer::new(pairs);
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let message = e.inner().to_string();
        let (parameter, detail) = explain(&e.path().to_string(), &message);
        ApiError::invalid(parameter, detail)
    })
}

/// Turns serde's message into a parameter name and a detail a person can act on.
fn explain(path: &str, message: &str) -> (String, String) {
    let quoted = |s: &str| s.split('`').nth(1).map(str::to_owned);
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let name = quoted(rest).unwrap_or_else(|| path.to_owned());
        let allowed = rest
            .split_once(", expected ")
            .map(|(_, a)| a.trim_start_matches("one of ").to_owned())
            .unwrap_or_else(|| "no parameters".to_owned());
        return (name, format!("is not a parameter here; allowed: {allowed}"));
    }
    if let Some(rest) = message.strip_prefix("duplicate field ") {
        let name = quoted(rest).unwrap_or_else(|| path.to_owned());
        return (name, "is given more than once; give it once".to_owned());
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        let name = quoted(rest).unwrap_or_else(|| path.to_owned());
        return (name, "is required".to_owned());
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let value = quoted(rest).unwrap_or_default();
        let allowed = rest
            .split_once(", expected ")
            .map(|(_, a)| a.trim_start_matches("one of ").to_owned())
            .unwrap_or_default();
        return (
            path.to_owned(),
            format!("cannot be `{value}`; allowed: {allowed}"),
        );
    }
    (path.to_owned(), message.to_owned())
}

impl<T: DeserializeOwned> FromRequest for Params<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse_query(req.query_string()).map(Params))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ParameterError;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[expect(dead_code, reason = "fields exist to be parsed")]
    struct Demo {
        kind: Option<crate::domain::ClaimKind>,
        q: Option<String>,
    }

    fn first_error(query: &str) -> ParameterError {
        match parse_query::<Demo>(query) {
            Err(ApiError::InvalidParameters(errors)) => errors[0].clone(),
            other => panic!("expected a parameter error, got {other:?}"),
        }
    }

    #[test]
    fn errors_name_the_parameter_and_what_is_allowed() {
        let e = first_error("kind=nonsense");
        assert_eq!(e.parameter.as_deref(), Some("kind"));
        assert!(e.detail.contains("`casualties`"), "{}", e.detail);

        let e = first_error("q=a&colour=red");
        assert_eq!(e.parameter.as_deref(), Some("colour"));
        assert!(
            e.detail.contains("`kind`") && e.detail.contains("`q`"),
            "{}",
            e.detail
        );

        #[derive(Debug, serde::Deserialize)]
        #[expect(dead_code, reason = "fields exist to be parsed")]
        struct Required {
            actors: String,
        }
        match parse_query::<Required>("") {
            Err(ApiError::InvalidParameters(errors)) => {
                assert_eq!(errors[0], ParameterError::new("actors", "is required"));
            }
            other => panic!("expected a parameter error, got {other:?}"),
        }

        let e = first_error("q=a&q=b");
        assert_eq!(e.parameter.as_deref(), Some("q"));
        assert!(e.detail.contains("more than once"));
    }
}
