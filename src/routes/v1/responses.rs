//! The error responses that read operations share, grouped, so that a path lists its success
//! and one group (each a reference to the response in `components`, defined in `error`).

use std::collections::BTreeMap;

use utoipa::IntoResponses;
use utoipa::openapi::{Ref, RefOr, Response};

/// Declares a group of error responses: each status with the component response it refers to.
macro_rules! response_group {
    ($(#[$doc:meta])* $name:ident: $($status:literal => $response:ident),+ $(,)?) => {
        $(#[$doc])*
        pub struct $name;

        impl IntoResponses for $name {
            fn responses() -> BTreeMap<String, RefOr<Response>> {
                group(&[$(($status, stringify!($response))),+])
            }
        }
    };
}

fn group(entries: &[(&str, &str)]) -> BTreeMap<String, RefOr<Response>> {
    entries
        .iter()
        .map(|(status, name)| ((*status).to_owned(), Ref::from_response_name(*name).into()))
        .collect()
}

response_group!(
    /// A collection's errors: a bad parameter, no acceptable format, the rate limit, a bug, the
    /// database away.
    ListErrors:
    "400" => BadRequest,
    "406" => NotAcceptable,
    "429" => TooManyRequests,
    "500" => InternalError,
    "503" => Unavailable,
);

response_group!(
    /// A record's (or its sub-collection's) errors: a collection's, and no such record (404) or
    /// a deleted one (410).
    RecordErrors:
    "400" => BadRequest,
    "404" => NotFound,
    "406" => NotAcceptable,
    "410" => Gone,
    "429" => TooManyRequests,
    "500" => InternalError,
    "503" => Unavailable,
);

response_group!(
    /// Errors of a read naming records that must exist, never deleted ones: a collection's,
    /// and 404.
    LookupErrors:
    "400" => BadRequest,
    "404" => NotFound,
    "406" => NotAcceptable,
    "429" => TooManyRequests,
    "500" => InternalError,
    "503" => Unavailable,
);
