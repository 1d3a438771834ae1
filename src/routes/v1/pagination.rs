//! Keyset pagination: opaque cursors, the page envelope, and `Link` headers.
//!
//! A cursor holds the collection, the sort order, and the sort key and id of the last record
//! served, so the next page starts strictly after it: stable under inserts, and an index seek
//! rather than an `offset` scan. A cursor only works with the collection and sort it was made
//! for; anything else is a 400.

use actix_web::HttpRequest;
use actix_web::http::header;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::error::ApiError;

/// Paging facts about one page.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageMeta {
    /// Records on this page.
    pub count: usize,
    /// The page size asked for (or the default).
    pub limit: u32,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
    /// How many records match the filters, over all pages; only with `count=true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<i64>,
}

/// Links to this page and the next (path-absolute URLs).
#[derive(Debug, Serialize, ToSchema)]
pub struct PageLinks {
    /// This page.
    #[serde(rename = "self")]
    pub this: String,
    /// The next page; null on the last page.
    pub next: Option<String>,
}

/// What a cursor holds. Opaque to clients: base64url of this JSON.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct CursorPayload {
    /// The collection the cursor belongs to.
    c: String,
    /// The sort order it was made for.
    s: String,
    /// The sort key of the last record served (one value per sort column).
    k: Vec<Value>,
    /// The id of the last record served: the tie-breaker.
    i: String,
}

/// A decoded cursor: the position after which the next page starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    /// The sort key values of the last record served.
    pub key: Vec<Value>,
    /// Its id.
    pub id: String,
}

/// Whether a JSON value holds a NUL character in any string.
fn has_nul(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => items.iter().any(has_nul),
        Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
        _ => false,
    }
}

fn invalid_cursor(collection: &str) -> ApiError {
    ApiError::invalid(
        "cursor",
        format!(
            "is not a cursor this API issued for /v1/{collection} with this `sort`; use `meta.next_cursor` from the previous page, or drop it to start again"
        ),
    )
}

impl Cursor {
    /// Decodes a cursor issued for `collection` sorted by `sort`.
    pub fn decode(
        collection: &str,
        sort: &str,
        cursor: Option<&str>,
    ) -> Result<Option<Self>, ApiError> {
        let Some(cursor) = cursor else {
            return Ok(None);
        };
        let invalid = || invalid_cursor(collection);
        let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
        let payload: CursorPayload = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
        // A forged cursor may carry anything; PostgreSQL text cannot hold NUL.
        if payload.c != collection
            || payload.s != sort
            || payload.i.is_empty()
            || payload.i.len() > 200
            || payload.i.contains('\0')
            || payload.k.iter().any(has_nul)
        {
            return Err(invalid());
        }
        Ok(Some(Self {
            key: payload.k,
            id: payload.i,
        }))
    }

    /// The `n`th key value as a type, or a 400 naming the cursor. A value that parses but lies
    /// outside what the database can hold (a forged date before 4713 BC) is refused here too.
    pub fn key_as<T: CursorKey>(&self, collection: &str, n: usize) -> Result<T, ApiError> {
        self.key
            .get(n)
            .cloned()
            .and_then(|v| serde_json::from_value::<T>(v).ok())
            .filter(CursorKey::in_range)
            .ok_or_else(|| invalid_cursor(collection))
    }
}

/// A type a cursor key decodes to, with the range a key of it may take: what the API itself
/// serves and the database can compare, so a forged key is a 400 and never a database error.
pub trait CursorKey: serde::de::DeserializeOwned {
    fn in_range(&self) -> bool;
}

impl CursorKey for chrono::NaiveDate {
    /// Dates the dataset can hold (years 1 to 9999, the bounds of an open range).
    fn in_range(&self) -> bool {
        (crate::domain::partial_date::EARLIEST..=crate::domain::partial_date::LATEST).contains(self)
    }
}

impl CursorKey for String {
    fn in_range(&self) -> bool {
        !self.contains('\0') && self.len() <= 1_000
    }
}

impl CursorKey for i64 {
    fn in_range(&self) -> bool {
        *self >= 0
    }
}

impl CursorKey for f32 {
    fn in_range(&self) -> bool {
        self.is_finite()
    }
}

impl CursorKey for crate::domain::Resource {
    fn in_range(&self) -> bool {
        true
    }
}

impl CursorKey for crate::domain::SearchHitType {
    fn in_range(&self) -> bool {
        true
    }
}

impl CursorKey for crate::domain::TimelineEntryType {
    fn in_range(&self) -> bool {
        true
    }
}

/// Encodes a cursor pointing after a record with `key` and `id`.
pub fn encode_cursor(collection: &str, sort: &str, key: Vec<Value>, id: String) -> String {
    let payload = CursorPayload {
        c: collection.to_owned(),
        s: sort.to_owned(),
        k: key,
        i: id,
    };
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&payload).expect("cursor payload serialises"))
}

/// A page ready to send: its records, meta and links.
pub struct Page<T> {
    pub data: Vec<T>,
    pub meta: PageMeta,
    pub links: PageLinks,
}

/// The request's path with its query, `cursor` replaced.
fn link(req: &HttpRequest, cursor: &str) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(req.query_string().as_bytes()) {
        if k != "cursor" {
            query.append_pair(&k, &v);
        }
    }
    query.append_pair("cursor", cursor);
    format!("{}?{}", req.path(), query.finish())
}

/// One read of a listing: its records, and the cursor after the last one when more follow.
pub struct Chunk<T> {
    pub rows: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Chunk<T> {
    /// From up to `limit + 1` rows (the extra row only says more follow); `position` gives a
    /// record's sort key and id, from which the next cursor is made.
    pub fn new(
        mut rows: Vec<T>,
        limit: u32,
        position: impl Fn(&T) -> (Vec<Value>, String),
        collection: &str,
        sort: &str,
    ) -> Self {
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let next_cursor = more.then(|| rows.last()).flatten().map(|last| {
            let (key, id) = position(last);
            encode_cursor(collection, sort, key, id)
        });
        Self { rows, next_cursor }
    }
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` rows (the extra row only says a next page exists);
    /// `position` gives a record's sort key and id, from which the next cursor is made.
    pub fn new(
        req: &HttpRequest,
        rows: Vec<T>,
        limit: u32,
        position: impl Fn(&T) -> (Vec<Value>, String),
        collection: &str,
        sort: &str,
    ) -> Self {
        Self::from_chunk(
            req,
            Chunk::new(rows, limit, position, collection, sort),
            limit,
        )
    }

    /// The page of one chunk read with `limit`.
    pub fn from_chunk(req: &HttpRequest, chunk: Chunk<T>, limit: u32) -> Self {
        let Chunk { rows, next_cursor } = chunk;
        Self {
            meta: PageMeta {
                count: rows.len(),
                limit,
                next_cursor: next_cursor.clone(),
                total: None,
            },
            links: PageLinks {
                this: req
                    .uri()
                    .path_and_query()
                    .map_or_else(|| req.path().to_owned(), ToString::to_string),
                next: next_cursor.as_deref().map(|c| link(req, c)),
            },
            data: rows,
        }
    }

    /// Adds the total count (for `count=true`).
    pub fn with_total(mut self, total: Option<i64>) -> Self {
        self.meta.total = total;
        self
    }

    /// The RFC 8288 `Link` header for the next page, if there is one.
    pub fn link_header(&self) -> Option<(header::HeaderName, String)> {
        self.links
            .next
            .as_ref()
            .map(|next| (header::LINK, format!("<{next}>; rel=\"next\"")))
    }

    /// Sends the page as JSON with its `Link` header, as the named page type `P`.
    pub fn respond_json<P: From<Page<T>> + Serialize>(self) -> actix_web::HttpResponse {
        let mut response = actix_web::HttpResponse::Ok();
        if let Some(link) = self.link_header() {
            response.insert_header(link);
        }
        response.json(P::from(self))
    }
}

/// Declares the page type of a collection: `{data, meta, links}` with a named schema, so
/// generated clients get one concrete type per collection.
macro_rules! page_type {
    ($(#[$doc:meta])* $name:ident, $item:ty) => {
        $(#[$doc])*
        #[derive(serde::Serialize, utoipa::ToSchema)]
        pub struct $name {
            pub data: Vec<$item>,
            pub meta: $crate::routes::v1::pagination::PageMeta,
            pub links: $crate::routes::v1::pagination::PageLinks,
        }

        impl From<$crate::routes::v1::pagination::Page<$item>> for $name {
            fn from(p: $crate::routes::v1::pagination::Page<$item>) -> Self {
                Self { data: p.data, meta: p.meta, links: p.links }
            }
        }
    };
}
pub(crate) use page_type;

/// The store position a cursor points at, for a collection ordered by `order`.
pub fn position(
    collection: &str,
    sort: &str,
    order: &crate::store::keyset::Order,
    cursor: Option<&str>,
) -> Result<Option<crate::store::keyset::Position>, ApiError> {
    use crate::store::keyset::{KeyKind, KeyValue, Position};
    let Some(c) = Cursor::decode(collection, sort, cursor)? else {
        return Ok(None);
    };
    let key = match order.column {
        None => None,
        Some((_, KeyKind::Date)) => Some(KeyValue::Date(c.key_as(collection, 0)?)),
        Some((_, KeyKind::Text)) => Some(KeyValue::Text(c.key_as(collection, 0)?)),
    };
    Ok(Some(Position { key, id: c.id }))
}

/// Sends a page in the negotiated format: JSON as the named page type `P`, or CSV.
pub fn respond<T, P>(
    page: Page<T>,
    format: super::format::Format,
    name: &str,
) -> actix_web::HttpResponse
where
    T: super::csv::CsvRecord,
    P: From<Page<T>> + Serialize,
{
    match format {
        super::format::Format::Csv => {
            let link = page.link_header();
            super::csv::csv_response(super::csv::to_csv(&page.data), name, link)
        }
        _ => page.respond_json::<P>(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_is_bound_to_its_collection_and_sort() {
        let c = encode_cursor(
            "claims",
            "made_at",
            vec![Value::from("2026-02-27")],
            "x".into(),
        );
        let decoded = Cursor::decode("claims", "made_at", Some(&c))
            .unwrap()
            .unwrap();
        assert_eq!(decoded.id, "x");
        assert_eq!(
            decoded
                .key_as::<chrono::NaiveDate>("claims", 0)
                .unwrap()
                .to_string(),
            "2026-02-27"
        );
        assert!(decoded.key_as::<chrono::NaiveDate>("claims", 1).is_err());
        assert!(Cursor::decode("claims", "-made_at", Some(&c)).is_err());
        assert!(Cursor::decode("incidents", "made_at", Some(&c)).is_err());
        assert!(Cursor::decode("claims", "made_at", Some("not base64!")).is_err());
        assert_eq!(Cursor::decode("claims", "made_at", None).unwrap(), None);
    }
}
