//! Query-string extraction that names the offending parameter in its error.
//!
//! actix's `web::Query` reports serde's message without the field it came from ("unknown
//! variant `x`"). [`Params`] runs the same `serde_urlencoded` parsing through
//! `serde_path_to_error`, so a bad value becomes a 400 problem naming its parameter. The keys
//! a query may hold are the parameters its type documents (`IntoParams`), so the spec and the
//! server cannot disagree on them; of several problems, the first in the query is reported.

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
/// not one of `T`'s documented parameters, a repeated one, or a bad value. Of several
/// problems, the first in the query is reported (a missing parameter last).
pub fn parse_query<T: DeserializeOwned + IntoParams + 'static>(query: &str) -> Result<T, ApiError> {
    let query = Query::checked::<T>(query)?;
    query.first(query.unknown_key(), query.parse::<T>(query.text))
}

/// A query string whose values hold no NUL, with the keys in order, so that a problem can be
/// placed where it is in the query.
pub struct Query<'a> {
    /// The query as received.
    pub text: &'a str,
    keys: Vec<String>,
    allowed: Arc<[String]>,
}

/// A problem with a query: the parameter, what is wrong, and where in the query it is.
pub struct Failure {
    parameter: String,
    detail: String,
    at: usize,
}

impl From<Failure> for ApiError {
    fn from(f: Failure) -> Self {
        ApiError::invalid(f.parameter, f.detail)
    }
}

impl<'a> Query<'a> {
    /// `text` as a query for `T`, whose documented parameters are the keys it accepts; a 400
    /// if a value holds the NUL character: PostgreSQL text cannot hold one, so it could only
    /// fail later, as a 500. (`cursor` is left to its own decoder, which rejects anything it
    /// did not issue with a more useful message.)
    pub fn checked<T: IntoParams + 'static>(text: &'a str) -> Result<Self, ApiError> {
        let pairs = form_urlencoded::parse(text.as_bytes());
        if let Some((key, _)) = pairs
            .clone()
            .find(|(k, v)| k != "cursor" && v.contains('\0'))
        {
            return Err(ApiError::invalid(key, NUL_IN_TEXT));
        }
        Ok(Self {
            text,
            keys: pairs.map(|(k, _)| k.into_owned()).collect(),
            allowed: allowed_keys::<T>(),
        })
    }

    /// The first key that is not a parameter here.
    pub fn unknown_key(&self) -> Option<Failure> {
        let at = self
            .keys
            .iter()
            .position(|k| !self.allowed.iter().any(|a| a == k))?;
        let allowed = if self.allowed.is_empty() {
            "no parameters".to_owned()
        } else {
            let names: Vec<String> = self.allowed.iter().map(|a| format!("`{a}`")).collect();
            names.join(", ")
        };
        Some(Failure {
            parameter: self.keys[at].clone(),
            detail: format!("is not a parameter here; allowed: {allowed}"),
            at,
        })
    }

    /// The pairs whose key `pick` accepts, re-encoded as a query of their own.
    pub fn part(&self, pick: impl Fn(&str) -> bool) -> String {
        let mut part = form_urlencoded::Serializer::new(String::new());
        for (k, v) in form_urlencoded::parse(self.text.as_bytes()) {
            if pick(&k) {
                part.append_pair(&k, &v);
            }
        }
        part.finish()
    }

    /// Deserialises `part` (this query, or a part of it) into `U`, placing a problem where
    /// serde met it in this query: a bad value at its key, a repeated key at its second
    /// occurrence, a missing one after everything.
    pub fn parse<U: DeserializeOwned>(&self, part: &str) -> Result<U, Failure> {
        let deserializer =
            serde_urlencoded::Deserializer::new(form_urlencoded::parse(part.as_bytes()));
        serde_path_to_error::deserialize(deserializer).map_err(|e| {
            let message = e.inner().to_string();
            let (parameter, detail, kind) = explain(&e.path().to_string(), &message);
            let mut places = self
                .keys
                .iter()
                .enumerate()
                .filter(|(_, k)| **k == parameter);
            let at = match kind {
                Kind::Missing => None,
                Kind::Repeated => places.nth(1),
                Kind::Value => places.next(),
            }
            .map_or(usize::MAX, |(i, _)| i);
            Failure {
                parameter,
                detail,
                at,
            }
        })
    }

    /// Of two problems, the one that comes first in the query.
    pub fn earlier(&self, a: Failure, b: Failure) -> Failure {
        if a.at <= b.at { a } else { b }
    }

    /// The value, unless there is a problem: then the one that comes first in the query.
    pub fn first<U>(
        &self,
        unknown: Option<Failure>,
        parsed: Result<U, Failure>,
    ) -> Result<U, ApiError> {
        match (unknown, parsed) {
            (None, Ok(value)) => Ok(value),
            (Some(problem), Ok(_)) | (None, Err(problem)) => Err(problem.into()),
            (Some(a), Err(b)) => Err(self.earlier(a, b).into()),
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

/// What kind of problem serde reported, which says where in the query it stands.
enum Kind {
    Value,
    Repeated,
    Missing,
}

/// Turns serde's message into a parameter name and a detail a person can act on.
fn explain(path: &str, message: &str) -> (String, String, Kind) {
    let quoted = |s: &str| s.split('`').nth(1).map(str::to_owned);
    if let Some(rest) = message.strip_prefix("duplicate field ") {
        let name = quoted(rest).unwrap_or_else(|| path.to_owned());
        let detail = "is given more than once; give it once".to_owned();
        return (name, detail, Kind::Repeated);
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        let name = quoted(rest).unwrap_or_else(|| path.to_owned());
        return (name, "is required".to_owned(), Kind::Missing);
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let value = quoted(rest).unwrap_or_default();
        let allowed = rest
            .split_once(", expected ")
            .map(|(_, a)| a.trim_start_matches("one of ").to_owned())
            .unwrap_or_default();
        let detail = format!("cannot be `{value}`; allowed: {allowed}");
        return (path.to_owned(), detail, Kind::Value);
    }
    (path.to_owned(), message.to_owned(), Kind::Value)
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

    #[test]
    fn of_several_problems_the_first_in_the_query_is_reported() {
        assert_eq!(
            first_error("kind=nonsense&colour=red").parameter.as_deref(),
            Some("kind")
        );
        assert_eq!(
            first_error("colour=red&kind=nonsense").parameter.as_deref(),
            Some("colour")
        );
        let e = first_error("q=a&q=b&colour=red");
        assert_eq!(e.parameter.as_deref(), Some("q"));
        assert!(e.detail.contains("more than once"), "{}", e.detail);
        assert_eq!(
            first_error("q=a&colour=red&q=b").parameter.as_deref(),
            Some("colour")
        );
    }
}
