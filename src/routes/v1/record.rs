//! One record by id, `GET /v1/{collection}/{id}`: the handler every collection shares, and
//! [`record_endpoint!`], which declares one with its documentation.

use actix_web::web;

use super::as_of::Db;
use crate::domain::{AsOf, Resource};
use crate::error::ApiError;
use crate::store::Reader;

/// Answers with the record of `resource` whose id is `id`, as of `as_of`: 404 for an id that
/// does not parse or names nothing, 410 with the tombstone for a deleted record.
#[tracing::instrument(skip_all)]
pub async fn respond<I, T, E>(
    db: Db,
    resource: Resource,
    id: &str,
    as_of: Option<AsOf>,
    parse: impl Fn(&str) -> Option<I>,
    read: impl AsyncFn(&Reader, &I) -> Result<Option<T>, E>,
) -> Result<web::Json<T>, ApiError>
where
    ApiError: From<E>,
{
    let pool = db.at(as_of).await?;
    let Some(parsed) = parse(id) else {
        return Err(ApiError::NotFound {
            resource,
            id: id.to_owned(),
        });
    };
    match read(&pool, &parsed).await? {
        Some(record) => Ok(web::Json(record)),
        None => Err(pool.missing(resource, id).await),
    }
}

/// Declares `GET /v1/{collection}/{id}` for a collection: its documentation (the doc comment,
/// the tag, the id's description and example, the 200's description) and how a record is
/// read (`read(reader, &id)`). The calling module imports `actix_web::get`, which utoipa reads
/// the method and path from.
macro_rules! record_endpoint {
    (
        $(#[$doc:meta])*
        $name:ident: $path:literal, $tag:literal, $record:ty, $resource:ident($id:ty),
        id: ($id_doc:literal, $example:literal), ok: $ok:literal, read: $read:path
    ) => {
        $crate::routes::v1::responses::get_endpoint! {
            $(#[$doc])*
            $path, $tag, id: ($id_doc, $example), params($crate::routes::v1::as_of::AsOfParams),
            ok(description = $ok, body = $record);
            pub async fn $name(
                db: $crate::routes::v1::as_of::Db,
                id: actix_web::web::Path<String>,
                params: $crate::extract::Params<$crate::routes::v1::as_of::AsOfParams>,
                _: $crate::routes::v1::format::JsonOnly,
            ) -> Result<actix_web::web::Json<$record>, $crate::error::ApiError> {
                let parse = |s: &str| <$id>::parse(s).ok();
                let resource = $crate::domain::Resource::$resource;
                let as_of = params.0.as_of;
                $crate::routes::v1::record::respond(db, resource, &id, as_of, parse, $read).await
            }
        }
    };
}
pub(crate) use record_endpoint;
