//! Query-string extraction that names the offending parameter in its error.
//!
//! actix's `web::Query` reports serde's message without the field it came from ("unknown
//! variant `x`"). [`Params`] runs the same `serde_urlencoded` parsing through
//! `serde_path_to_error`, so a bad value becomes a 400 problem naming its parameter.

use std::any::TypeId;
use std::collections::HashMap;
use std::future::{Ready, ready};
use std::sync::{Arc, LazyLock, PoisonError, RwLock};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use serde::de::DeserializeOwned;
use utoipa::IntoParams;
use utoipa::openapi::path::ParameterIn;

use crate::error::ApiError;

/// Why text with a NUL character is refused: PostgreSQL text cannot hold one.
pub const NUL_IN_TEXT: &str = "must not contain the NUL character (U+0000)";

/// Typed query parameters; unknown, repeated and malformed parameters are 400 problems. The
/// parameters `T` documents (its `IntoParams`) are the keys it accepts.
#[derive(Debug)]
pub struct Params<T>(pub T);

/// Parses a query string into `T`, naming the parameter at fault when it fails: a key that is
/// not one of `T`'s documented parameters, a repeated one, or a bad value.
pub fn parse_query<T: DeserializeOwned + IntoParams + 'static>(query: &str) -> Result<T, ApiError> {
    check_keys::<T>(query)?;
    deserialize_query(query)
}

/// Checks that every key of `query` is one of `T`'s parameters, and that no value holds the
/// NUL character: PostgreSQL text cannot hold one, so it could only fail later, as a 500.
/// (`cursor` is left to its own decoder, which rejects anything it did not issue with a more
/// useful message.)
pub fn check_keys<T: IntoParams + 'static>(query: &str) -> Result<(), ApiError> {
    let pairs = form_urlencoded::parse(query.as_bytes());
    if let Some((key, _)) = pairs
        .clone()
        .find(|(k, v)| k != "cursor" && v.contains('\0'))
    {
        return Err(ApiError::invalid(key, NUL_IN_TEXT));
    }
    let allowed = allowed_keys::<T>();
    match pairs
        .map(|(k, _)| k)
        .find(|k| !allowed.iter().any(|a| a == k))
    {
        None => Ok(()),
        Some(key) if allowed.is_empty() => Err(ApiError::invalid(
            key,
            "is not a parameter here; allowed: no parameters",
        )),
        Some(key) => {
            let names: Vec<String> = allowed.iter().map(|a| format!("`{a}`")).collect();
            Err(ApiError::invalid(
                key,
                format!("is not a parameter here; allowed: {}", names.join(", ")),
            ))
        }
    }
}

/// The query parameters `T` documents, in order: the keys a query for `T` may hold.
/// Computed once per type (a handful of types, so the map stays small).
fn allowed_keys<T: IntoParams + 'static>() -> Arc<[String]> {
    static KEYS: LazyLock<RwLock<HashMap<TypeId, Arc<[String]>>>> = LazyLock::new(Default::default);
    let id = TypeId::of::<T>();
    if let Some(keys) = KEYS.read().unwrap_or_else(PoisonError::into_inner).get(&id) {
        return Arc::clone(keys);
    }
    let keys: Arc<[String]> = T::into_params(|| Some(ParameterIn::Query))
        .into_iter()
        .filter(|p| p.parameter_in == ParameterIn::Query)
        .map(|p| p.name)
        .collect();
    KEYS.write()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(id, Arc::clone(&keys));
    keys
}

/// Splits `query` in two re-encoded queries: the pairs whose key `first` accepts, and the rest.
pub fn split_query(query: &str, first: impl Fn(&str) -> bool) -> (String, String) {
    let mut a = form_urlencoded::Serializer::new(String::new());
    let mut b = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        if first(&k) { &mut a } else { &mut b }.append_pair(&k, &v);
    }
    (a.finish(), b.finish())
}

/// Deserialises a query string whose keys were checked, naming the parameter at fault.
pub fn deserialize_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let deserializer =
        serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let message = e.inner().to_string();
        let (parameter, detail) = explain(&e.path().to_string(), &message);
        ApiError::invalid(parameter, detail)
    })
}

/// Turns serde's message into a parameter name and a detail a person can act on.
fn explain(path: &str, message: &str) -> (String, String) {
    let quoted = |s: &str| s.split('`').nth(1).map(str::to_owned);
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

impl<T: DeserializeOwned + IntoParams + 'static> FromRequest for Params<T> {
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

    #[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
    #[into_params(parameter_in = Query)]
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

        #[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
        #[into_params(parameter_in = Query)]
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
