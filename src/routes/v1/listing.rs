//! One listing for every collection endpoint: its query parameters (the endpoint's filters,
//! then `sort`, `count`, `format`, `limit`, `cursor` and `as_of`, documented once) and the
//! handler's tail (one page in the negotiated format, or every record for a download).
//!
//! An endpoint declares its filters ([`Filters`]) and the collection they select
//! ([`Collection`]: how a chunk is read, sorted and counted); [`respond`] does the rest.

use std::borrow::Cow;
use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, HttpResponse};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{Ref, RefOr, Required};
use utoipa::{IntoParams, ToSchema};

use super::as_of::{DataPool, Db};
use super::download::{self, Downloadable};
use super::format::{Format, negotiate};
use super::pagination::{self, Chunk, Page};
use super::params::Limit;
use crate::domain::AsOf;
use crate::domain::{ActorSort, ClaimSort, ForceFigureSort, IncidentSort, SourceSort};
use crate::error::ApiError;
use crate::extract::Query;
use crate::store::Reader;
use crate::store::keyset::{Order, Position, Sorted};

/// A collection a list endpoint serves: its records, filter, sort orders and how a chunk of
/// it is read.
#[expect(
    async_fn_in_trait,
    reason = "handlers run on actix's single-threaded workers: no Send bound is wanted"
)]
pub trait Collection: 'static {
    /// A record of the collection.
    type Item: Downloadable + 'static;
    /// The store's filter.
    type Filter: Clone + 'static;
    /// The sort orders (`()` for a collection with one order).
    type Sort: Copy + std::fmt::Debug + DeserializeOwned + 'static;
    /// Where a cursor says the next chunk starts.
    type After;
    /// The named JSON page type.
    type Page: From<Page<Self::Item>> + Serialize;

    /// The collection's name: in cursors, and the download's file name.
    const NAME: &'static str;
    /// The formats it can be read in.
    const FORMATS: &'static [Format];
    /// The order when `sort` is not given.
    const DEFAULT_SORT: Self::Sort;

    /// The name of `sort`, which a cursor is bound to.
    fn sort_name(sort: Self::Sort) -> &'static str;
    /// The sort enum's schema name and the `sort` parameter's description; `None` when there
    /// is no choice.
    fn sort_param() -> Option<(Cow<'static, str>, &'static str)> {
        None
    }
    /// Decodes `cursor`, issued for this collection and `sort`.
    fn after(sort: Self::Sort, cursor: Option<&str>) -> Result<Option<Self::After>, ApiError>;
    /// Up to `limit` records matching `filter` in `sort` order, after `after`.
    async fn read(
        reader: &Reader,
        filter: &Self::Filter,
        sort: Self::Sort,
        after: Option<&Self::After>,
        limit: i64,
    ) -> Result<Vec<Self::Item>, ApiError>;
    /// A record's sort key and id, from which the cursor after it is made.
    fn key(sort: Self::Sort, item: &Self::Item) -> (Vec<Value>, String);
    /// How many records match `filter` (for `count=true`).
    async fn count(_reader: &Reader, _filter: &Self::Filter) -> Result<Option<i64>, ApiError> {
        Ok(None)
    }
}

/// A sort order of a collection paged by keyset over a store [`Order`].
pub trait KeysetSort: Copy + std::fmt::Debug + DeserializeOwned + ToSchema + 'static {
    /// The `sort` parameter's description: the collection's default order, and how ties are
    /// broken.
    const DOC: &'static str;
    /// The order's name, as in `sort` (`-made_at`).
    fn name(self) -> &'static str;
    /// The SQL order it means.
    fn order(self) -> Order;
}

/// Implements [`KeysetSort`] for the store's sort enums, each with its description.
macro_rules! keyset_sorts {
    ($($sort:ty: $doc:literal),+ $(,)?) => {
        $(impl KeysetSort for $sort {
            const DOC: &'static str = $doc;
            fn name(self) -> &'static str {
                self.as_str()
            }
            fn order(self) -> Order {
                Sorted::order(self)
            }
        })+
    };
}
keyset_sorts! {
    ActorSort: "Sort order (default `id`); `-` for descending; ties broken by id.",
    ClaimSort: "Sort order (default `made_at`); `-` for descending; ties broken by id.",
    IncidentSort: "Sort order (default `date`); `-` for descending; ties broken by id.",
    ForceFigureSort: "Sort order (default `id`); `-` for descending; ties broken by id.",
    SourceSort: "Sort order (default `id`); `-` for descending.",
}

/// The keyset position of a cursor of `C`, sorted by `sort`.
pub fn keyset_after<C: Collection>(
    sort: C::Sort,
    cursor: Option<&str>,
) -> Result<Option<Position>, ApiError>
where
    C::Sort: KeysetSort,
{
    pagination::position(C::NAME, sort.name(), &sort.order(), cursor)
}

/// The cursor key of `item` in `sort` order: the sort column's value (`value`), or nothing
/// when the order is by id alone.
pub fn keyset_key<S: KeysetSort>(sort: S, value: impl FnOnce() -> Value) -> Vec<Value> {
    match sort.order().column {
        Some(_) => vec![value()],
        None => Vec::new(),
    }
}

/// Declares a collection paged by keyset, and its page type (`@type`, which
/// [`one_order_collection!`] declares its own with): its records, the `Resource` it
/// is (its name in cursors and file names), filter, sort (with
/// its default), the store's list and count queries for it (`store::keyset::ListQueries`), an
/// optional step that completes the rows read (attribution), the sort column's value of a
/// record (`key`), and the formats it offers.
macro_rules! keyset_collection {
    (@key $sort:ident, $item:ident) => {{
        let _ = $sort;
        Vec::new()
    }};
    (@key $sort:ident, $item:ident, |$x:ident| $key:expr) => {{
        let $x = $item;
        $crate::routes::v1::listing::keyset_key($sort, || serde_json::json!($key))
    }};
    (@type $(#[$doc:meta])* $name:ident, $page:ident: $page_doc:literal, $item:ty) => {
        $crate::routes::v1::pagination::page_type!(#[doc = $page_doc] $page, $item);

        $(#[$doc])*
        pub struct $name;
    };
    (
        $(#[$doc:meta])*
        $name:ident { $item:ty, $page:ident: $page_doc:literal, $resource:ident, $filter:ty, $sort:ident::$default:ident }
        queries: $queries:path $(, then: $then:path)?;
        $(key: |$x:ident| $key:expr;)?
        formats: $formats:expr;
    ) => {
        $crate::routes::v1::listing::keyset_collection!(@type $(#[$doc])* $name, $page: $page_doc, $item);

        impl $crate::routes::v1::listing::Collection for $name {
            type Item = $item;
            type Filter = $filter;
            type Sort = $sort;
            type After = $crate::store::keyset::Position;
            type Page = $page;
            const NAME: &'static str = $crate::domain::Resource::$resource.as_str();
            const FORMATS: &'static [$crate::routes::v1::format::Format] = $formats;
            const DEFAULT_SORT: $sort = $sort::$default;

            fn sort_name(sort: $sort) -> &'static str {
                $crate::routes::v1::listing::KeysetSort::name(sort)
            }
            fn sort_param() -> Option<(std::borrow::Cow<'static, str>, &'static str)> {
                let doc = <$sort as $crate::routes::v1::listing::KeysetSort>::DOC;
                Some((<$sort as utoipa::ToSchema>::name(), doc))
            }
            fn after(
                sort: $sort,
                cursor: Option<&str>,
            ) -> Result<Option<Self::After>, $crate::error::ApiError> {
                $crate::routes::v1::listing::keyset_after::<Self>(sort, cursor)
            }
            async fn read(
                reader: &$crate::store::Reader,
                filter: &$filter,
                sort: $sort,
                after: Option<&Self::After>,
                limit: i64,
            ) -> Result<Vec<$item>, $crate::error::ApiError> {
                let order = $crate::routes::v1::listing::KeysetSort::order(sort);
                #[allow(unused_mut, reason = "only a collection with a `then` step changes its rows")]
                let mut rows = $queries.page(reader, filter, &order, after, limit).await?;
                $($then(reader, &mut rows).await?;)?
                Ok(rows)
            }
            fn key(sort: $sort, item: &$item) -> (Vec<serde_json::Value>, String) {
                let key = keyset_collection!(@key sort, item $(, |$x| $key)?);
                (key, item.id.to_string())
            }
            async fn count(
                reader: &$crate::store::Reader,
                filter: &$filter,
            ) -> Result<Option<i64>, $crate::error::ApiError> {
                Ok(Some($queries.count(reader, filter).await?))
            }
        }
    };
}
pub(crate) use keyset_collection;

/// Declares a collection with one order (no `sort`, no count) and its page type: its records,
/// its name (in cursors and file names), filter, the order's name (which cursors are bound
/// to), where a decoded cursor `c` says the next chunk starts (`after`), how a chunk of rows
/// is read (each row then made a record by `From`), and a record's cursor key (its id after).
macro_rules! one_order_collection {
    (
        $(#[$doc:meta])*
        $name:ident { $item:ty, $page:ident: $page_doc:literal, $collection:literal, $filter:ty, order: $order:literal }
        after: |$c:ident| $after:ident { $($fields:tt)* };
        read: |$reader:ident, $f:ident, $a:ident, $limit:ident| $read:expr;
        key: |$x:ident| [$($key:expr),+];
    ) => {
        $crate::routes::v1::listing::keyset_collection!(@type $(#[$doc])* $name, $page: $page_doc, $item);

        impl $crate::routes::v1::listing::Collection for $name {
            type Item = $item;
            type Filter = $filter;
            type Sort = ();
            type After = $after;
            type Page = $page;
            const NAME: &'static str = $collection;
            const FORMATS: &'static [$crate::routes::v1::format::Format] = $crate::routes::v1::format::JSON_CSV;
            const DEFAULT_SORT: () = ();

            fn sort_name((): ()) -> &'static str {
                $order
            }
            fn after((): (), cursor: Option<&str>) -> Result<Option<Self::After>, $crate::error::ApiError> {
                let Some($c) = $crate::routes::v1::pagination::Cursor::decode(Self::NAME, $order, cursor)? else {
                    return Ok(None);
                };
                Ok(Some($after { $($fields)* }))
            }
            async fn read(
                $reader: &$crate::store::Reader,
                $f: &$filter,
                (): (),
                $a: Option<&Self::After>,
                $limit: i64,
            ) -> Result<Vec<$item>, $crate::error::ApiError> {
                let rows = $read.await?;
                Ok(rows.into_iter().map(<$item>::from).collect())
            }
            fn key((): (), $x: &$item) -> (Vec<serde_json::Value>, String) {
                (vec![$(serde_json::json!($key)),+], $x.id.clone())
            }
        }
    };
}
pub(crate) use one_order_collection;

/// One endpoint's filter parameters, and the collection they select.
pub trait Filters: DeserializeOwned + IntoParams {
    /// The collection listed.
    type Of: Collection;
    /// The descriptions of `count` and `format`, where they say something of this endpoint.
    const DOCS: Docs = Docs::DEFAULT;
    /// The store filter these parameters ask for (a 400 if they contradict each other).
    fn filter(&self) -> Result<<Self::Of as Collection>::Filter, ApiError>;
}

/// What the descriptions of `count` and `format` say of one endpoint (`sort`'s is its
/// collection's, [`KeysetSort::DOC`]).
pub struct Docs {
    /// `count`'s description (a collection with one order has no `count`).
    pub count: &'static str,
    /// `format`'s description.
    pub format: &'static str,
}

impl Docs {
    /// The usual descriptions.
    pub const DEFAULT: Self = Self {
        count: "`true` adds `meta.total`, the number of matching records (costs a count query).",
        format: "Response format; overrides `Accept`.",
    };
    /// The usual descriptions, but `count`'s.
    pub const fn count(count: &'static str) -> Self {
        Self {
            count,
            ..Self::DEFAULT
        }
    }
    /// These descriptions, but `format`'s.
    pub const fn format(self, format: &'static str) -> Self {
        Self { format, ..self }
    }
}

/// The parameters every listing takes after its filters' sort, count and format, as
/// documented ([`Shared`] parses them).
#[derive(IntoParams)]
#[expect(dead_code, reason = "documents the parameters `Shared` parses")]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page size, 1 to 500; 50 when not given. CSV and GeoJSON without `limit` are not
    /// paged: every matching record, in one streamed body (a URL pasted into a spreadsheet
    /// gets the whole collection).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    limit: Option<Limit>,
    /// Opaque cursor from `meta.next_cursor` of the previous page (base64url). Only a cursor
    /// this API issued for the same collection and `sort` is accepted; any other is a 400.
    #[param(pattern = "^[A-Za-z0-9_-]+$")]
    cursor: Option<String>,
    /// Time travel: the data as it was at this dataset version (`42`) or time (RFC 3339,
    /// e.g. `2026-03-01T12:00:00Z`); the same request always returns the same bytes.
    #[param(inline)]
    as_of: Option<AsOf>,
}

/// The shared parameters of a listing sorted by `S`, as parsed.
#[derive(Debug, Deserialize)]
struct Shared<S> {
    sort: Option<S>,
    count: Option<bool>,
    format: Option<Format>,
    limit: Option<Limit>,
    cursor: Option<String>,
    as_of: Option<AsOf>,
}

/// The names of the shared parameters, which [`Shared`] parses; the rest are the filters'.
const SHARED: [&str; 6] = ["sort", "count", "format", "limit", "cursor", "as_of"];

/// A listing's query: the endpoint's filters `F`, then the shared parameters. Its parameter
/// list is the list of keys it accepts (see [`crate::extract`]).
#[derive(Debug)]
pub struct ListParams<F: Filters> {
    pub filters: F,
    shared: Shared<<F::Of as Collection>::Sort>,
}

impl<F: Filters> ListParams<F> {
    /// The time-travel point asked for.
    pub fn as_of(&self) -> Option<AsOf> {
        self.shared.as_of
    }
}

impl<F: Filters + 'static> FromRequest for ListParams<F> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let parse = || {
            let query = Query::checked::<Self>(req.query_string())?;
            let filters = query.parse(&query.part(|k| !SHARED.contains(&k)));
            let shared = query.parse(&query.part(|k| SHARED.contains(&k)));
            // Of a problem in each part, the one first in the query, as one parse would say.
            let parsed = match (filters, shared) {
                (Ok(filters), Ok(shared)) => Ok(Self { filters, shared }),
                (Err(problem), Ok(_)) | (Ok(_), Err(problem)) => Err(problem),
                (Err(a), Err(b)) => Err(query.earlier(a, b)),
            };
            query.first(query.unknown_key(), parsed)
        };
        ready(parse())
    }
}

impl<F: Filters> IntoParams for ListParams<F> {
    fn into_params(parameter_in: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let query = |name: &str, description: &str, schema| {
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Query)
                .description(Some(description))
                .required(Required::False)
                .schema(Some(schema))
                .build()
        };
        let mut params = F::into_params(&parameter_in);
        if let Some((schema, sort)) = F::Of::sort_param() {
            params.push(query(
                "sort",
                sort,
                RefOr::Ref(Ref::from_schema_name(schema)),
            ));
            let boolean = ObjectBuilder::new().schema_type(Type::Boolean).build();
            params.push(query("count", F::DOCS.count, RefOr::T(boolean.into())));
        }
        let formats = if F::Of::FORMATS.contains(&Format::Geojson) {
            "Format"
        } else {
            "TabularFormat"
        };
        let format = RefOr::Ref(Ref::from_schema_name(formats));
        params.push(query("format", F::DOCS.format, format));
        params.extend(PageParams::into_params(parameter_in));
        params
    }
}

/// Serves a listing: the data at `as_of`, the filter the parameters ask for, then [`respond`].
pub async fn serve<F: Filters>(
    req: &HttpRequest,
    db: Db,
    params: ListParams<F>,
) -> Result<HttpResponse, ApiError> {
    serve_narrowed(req, db, params, async |_, _| Ok(())).await
}

/// [`serve`], with the filter narrowed by `narrow` once the data is chosen: to the record a
/// sub-collection belongs to, which `narrow` checks exists in that data.
pub async fn serve_narrowed<F: Filters>(
    req: &HttpRequest,
    db: Db,
    params: ListParams<F>,
    narrow: impl AsyncFnOnce(&DataPool, &mut <F::Of as Collection>::Filter) -> Result<(), ApiError>,
) -> Result<HttpResponse, ApiError> {
    let pool = db.at(params.as_of()).await?;
    let mut filter = params.filters.filter()?;
    narrow(&pool, &mut filter).await?;
    respond(req, &pool, filter, params).await
}

/// Declares a list endpoint: its documentation (the doc comment, tag, the 200's description
/// and media types) and its filters `F`. With `of: exists, ("Id doc", "example"), |filter, id|
/// narrow`, it is a sub-collection of the record a path id names: `exists` checks the record
/// exists (404, 410), `narrow` narrows the filter to it. The calling module imports
/// `actix_web::get`, which utoipa reads the method and path from.
macro_rules! list_endpoint {
    (
        $(#[$doc:meta])*
        $name:ident: $path:literal, $tag:literal, $filters:ident, ok: $ok:literal,
        content: [$($content:tt)*]
    ) => {
        $crate::routes::v1::responses::get_endpoint! {
            $(#[$doc])*
            $path, $tag, params($crate::routes::v1::listing::ListParams<$filters>),
            paged(description = $ok, content($($content)*)),
            errors: ListErrors;
            pub async fn $name(
                req: actix_web::HttpRequest,
                db: $crate::routes::v1::as_of::Db,
                params: $crate::routes::v1::listing::ListParams<$filters>,
            ) -> Result<actix_web::HttpResponse, $crate::error::ApiError> {
                $crate::routes::v1::listing::serve(&req, db, params).await
            }
        }
    };
    (
        $(#[$doc:meta])*
        $name:ident: $path:literal, $tag:literal, $filters:ident, ok: $ok:literal,
        content: [$($content:tt)*],
        of: $exists:path, ($id_doc:literal, $example:literal), |$filter:ident, $id:ident| $narrow:expr
    ) => {
        $crate::routes::v1::responses::get_endpoint! {
            $(#[$doc])*
            $path, $tag, id: ($id_doc, $example), params($crate::routes::v1::listing::ListParams<$filters>),
            paged(description = $ok, content($($content)*));
            pub async fn $name(
                req: actix_web::HttpRequest,
                db: $crate::routes::v1::as_of::Db,
                path: actix_web::web::Path<String>,
                params: $crate::routes::v1::listing::ListParams<$filters>,
            ) -> Result<actix_web::HttpResponse, $crate::error::ApiError> {
                use $crate::routes::v1::listing::{Collection, Filters};
                type Filter = <<$filters as Filters>::Of as Collection>::Filter;
                let narrow = async |pool: &$crate::routes::v1::as_of::DataPool, $filter: &mut Filter| {
                    let $id = $exists(pool, &path).await?;
                    $narrow;
                    Ok(())
                };
                $crate::routes::v1::listing::serve_narrowed(&req, db, params, narrow).await
            }
        }
    };
}
pub(crate) use list_endpoint;

/// Answers a listing of `C` with the records `filter` selects: one page in the negotiated
/// format, or, for CSV and GeoJSON without `limit`, every one in a streamed download.
#[tracing::instrument(skip_all)]
pub async fn respond<F: Filters>(
    req: &HttpRequest,
    pool: &Reader,
    filter: <F::Of as Collection>::Filter,
    params: ListParams<F>,
) -> Result<HttpResponse, ApiError> {
    type C<F> = <F as Filters>::Of;
    let Shared {
        sort,
        count,
        format,
        limit,
        cursor,
        ..
    } = params.shared;
    let format = negotiate(req, format, C::<F>::FORMATS)?;
    let sort = sort.unwrap_or(C::<F>::DEFAULT_SORT);
    let owned = filter.clone();
    let fetch = move |reader: Reader, cursor: Option<String>, limit: u32| {
        let filter = owned.clone();
        async move { chunk::<C<F>>(&reader, &filter, sort, cursor.as_deref(), limit).await }
    };
    if download::is_whole(format, limit) {
        return download::respond(req, pool, format, C::<F>::NAME, cursor, fetch).await;
    }
    let limit = Limit::or_default(limit);
    let chunk = fetch(pool.clone(), cursor, limit).await?;
    let total = match count {
        Some(true) => C::<F>::count(pool, &filter).await?,
        _ => None,
    };
    let page = Page::from_chunk(req, chunk, limit).with_total(total);
    if format == Format::Geojson {
        let features = <C<F> as Collection>::Item::features(&page.data)
            .map_err(|e| ApiError::Internal(e.into()))?;
        let mut response = HttpResponse::Ok();
        response.content_type(Format::Geojson.media_type());
        if let Some(link) = page.link_header() {
            response.insert_header(link);
        }
        return Ok(response.body(format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        )));
    }
    Ok(pagination::respond::<_, <C<F> as Collection>::Page>(
        page,
        format,
        C::<F>::NAME,
    ))
}

/// One chunk of `C`: up to `limit` records after `cursor`, and the cursor after them.
async fn chunk<C: Collection>(
    reader: &Reader,
    filter: &C::Filter,
    sort: C::Sort,
    cursor: Option<&str>,
    limit: u32,
) -> Result<Chunk<C::Item>, ApiError> {
    let after = C::after(sort, cursor)?;
    let rows = C::read(reader, filter, sort, after.as_ref(), i64::from(limit) + 1).await?;
    Ok(Chunk::new(
        rows,
        limit,
        |item| C::key(sort, item),
        C::NAME,
        C::sort_name(sort),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shared_keys_are_the_shared_parameters_documented() {
        let documented: Vec<String> = PageParams::into_params(|| None)
            .into_iter()
            .map(|p| p.name)
            .collect();
        let mut expected = vec!["sort".to_owned(), "count".to_owned(), "format".to_owned()];
        expected.extend(documented);
        assert_eq!(SHARED.to_vec(), expected);
    }
}
