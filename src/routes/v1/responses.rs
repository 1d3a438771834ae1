//! The error responses that operations share, grouped, so that a path lists its success
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

/// Declares a documented `GET` handler: its doc comment, path, tag and parameters, the 200
/// (`ok`: its description, then its body or content and headers; `paged`: the same, with the
/// `Link` header of a page) and the group of errors (`errors`, a group of this module).
///
/// With `id: (doc, example)`, the path names a record: the `id` parameter comes first, and
/// the errors are the record's ([`RecordErrors`]). With `json(description, body)` and
/// `name: |pool, params| { ... }`, it is a JSON read: its parameters (which have `as_of`)
/// parsed, `Accept` allowing JSON, and the block given the data at `as_of` (`pool`) and the
/// parameters. The calling module imports `actix_web::get`, which utoipa reads the method and
/// path from.
macro_rules! get_endpoint {
    (
        $(#[$doc:meta])*
        $path:literal, $tag:literal, id: ($id_doc:literal, $example:literal),
        params($($params:tt)*), $ok_kind:ident($($ok:tt)*);
        $handler:item
    ) => {
        $crate::routes::v1::responses::get_endpoint! {
            $(#[$doc])*
            $path, $tag,
            params(("id" = String, Path, description = $id_doc, example = $example), $($params)*),
            $ok_kind($($ok)*), errors: RecordErrors;
            $handler
        }
    };
    (
        $(#[$doc:meta])*
        $path:literal, $tag:literal, params($($params:tt)*), paged($($ok:tt)*),
        errors: $errors:ident;
        $handler:item
    ) => {
        $crate::routes::v1::responses::get_endpoint! {
            $(#[$doc])*
            $path, $tag, params($($params)*),
            ok($($ok)*, headers(("Link" = String, description = "RFC 8288 link to the next page, when there is one"))),
            errors: $errors;
            $handler
        }
    };
    (
        $(#[$doc:meta])*
        $path:literal, $tag:literal, params($params:ident), json($ok:literal, $body:ty),
        errors: $errors:ident;
        $name:ident: |$pool:pat_param, $p:pat_param| $read:expr
    ) => {
        $crate::routes::v1::responses::get_endpoint! {
            $(#[$doc])*
            $path, $tag, params($params), ok(description = $ok, body = $body), errors: $errors;
            pub async fn $name(
                db: $crate::routes::v1::as_of::Db,
                $crate::extract::Params(params): $crate::extract::Params<$params>,
                _: $crate::routes::v1::format::JsonOnly,
            ) -> Result<actix_web::web::Json<$body>, $crate::error::ApiError> {
                let $pool = db.at(params.as_of).await?;
                let $p = params;
                Ok(actix_web::web::Json($read))
            }
        }
    };
    (
        $(#[$doc:meta])*
        $path:literal, $tag:literal, params($($params:tt)*), ok($($ok:tt)*), errors: $errors:ident;
        $handler:item
    ) => {
        $(#[$doc])*
        #[utoipa::path(
            tag = $tag,
            params($($params)*),
            responses(
                (status = 200, $($ok)*),
                $crate::routes::v1::responses::$errors,
            )
        )]
        #[get($path)]
        #[tracing::instrument(skip_all)]
        $handler
    };
}
pub(crate) use get_endpoint;

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

response_group!(
    /// A create's errors: a malformed, slow, large, unsupported or invalid body, no key or
    /// scope, an id taken (409) or deleted (410), and the usual.
    CreateErrors:
    "400" => MalformedBody,
    "401" => Unauthorized,
    "403" => Forbidden,
    "408" => RequestTimeout,
    "409" => Conflict,
    "410" => Gone,
    "413" => PayloadTooLarge,
    "415" => UnsupportedMediaType,
    "422" => UnprocessableBody,
    "429" => TooManyRequests,
    "500" => InternalError,
    "503" => Unavailable,
);

response_group!(
    /// A patch's errors: a create's body errors, no such record (404, 410), and `If-Match`
    /// missing (428) or stale (412).
    PatchErrors:
    "400" => MalformedBody,
    "401" => Unauthorized,
    "403" => Forbidden,
    "404" => NotFound,
    "408" => RequestTimeout,
    "410" => Gone,
    "412" => PreconditionFailed,
    "413" => PayloadTooLarge,
    "415" => UnsupportedMediaType,
    "422" => UnprocessableBody,
    "428" => PreconditionRequired,
    "429" => TooManyRequests,
    "500" => InternalError,
    "503" => Unavailable,
);

response_group!(
    /// A delete's errors: a bad `reason`, no key or scope, no such record (404, 410), still
    /// referred to (409), and `If-Match` missing (428) or stale (412).
    DeleteErrors:
    "400" => BadRequest,
    "401" => Unauthorized,
    "403" => Forbidden,
    "404" => NotFound,
    "409" => Conflict,
    "410" => Gone,
    "412" => PreconditionFailed,
    "428" => PreconditionRequired,
    "429" => TooManyRequests,
    "500" => InternalError,
    "503" => Unavailable,
);
