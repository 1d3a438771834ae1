//! Keyset pagination: opaque cursors, the page envelope, and `Link` headers.
//!
//! A cursor encodes the sort key and id of the last record served, so the next page starts
//! strictly after it: stable under inserts, and an index seek rather than an `offset` scan.

use actix_web::HttpRequest;
use actix_web::http::header;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::store::After;

/// Paging facts about one page.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageMeta {
    /// Records on this page.
    pub count: usize,
    /// The page size asked for (or the default).
    pub limit: u32,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
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
    /// The date sort key, for chronological collections.
    #[serde(skip_serializing_if = "Option::is_none")]
    d: Option<NaiveDate>,
    /// The id of the last record served.
    i: String,
}

/// How a collection is ordered, and so what its cursors hold.
pub trait Keyed {
    /// The keyset key of a record.
    type Key: Copy;
    /// The collection name written into cursors.
    const COLLECTION: &'static str;
    /// The record's sort key and id.
    fn key(&self) -> (Self::Key, String);
}

/// Cursor keys: `()` for id-ordered collections, a date for chronological ones.
pub trait CursorKey: Sized + Copy {
    fn to_date(self) -> Option<NaiveDate>;
    fn from_date(d: Option<NaiveDate>) -> Option<Self>;
}

impl CursorKey for () {
    fn to_date(self) -> Option<NaiveDate> {
        None
    }
    fn from_date(d: Option<NaiveDate>) -> Option<Self> {
        d.is_none().then_some(())
    }
}

impl CursorKey for NaiveDate {
    fn to_date(self) -> Option<NaiveDate> {
        Some(self)
    }
    fn from_date(d: Option<NaiveDate>) -> Option<Self> {
        d
    }
}

/// Decodes a cursor issued for collection `T`.
pub fn decode_cursor<T: Keyed>(cursor: Option<&str>) -> Result<Option<After<T::Key>>, ApiError>
where
    T::Key: CursorKey,
{
    let Some(cursor) = cursor else {
        return Ok(None);
    };
    let invalid = || {
        ApiError::invalid(
            "cursor",
            format!(
                "is not a cursor this API issued for /v1/{}; use `meta.next_cursor` from the previous page, or drop it to start again",
                T::COLLECTION
            ),
        )
    };
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let payload: CursorPayload = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    if payload.c != T::COLLECTION || !crate::domain::ids::is_slug(&payload.i) {
        return Err(invalid());
    }
    let key = T::Key::from_date(payload.d).ok_or_else(invalid)?;
    Ok(Some(After { key, id: payload.i }))
}

fn encode_cursor<T: Keyed>(record: &T) -> String
where
    T::Key: CursorKey,
{
    let (key, id) = record.key();
    let payload = CursorPayload {
        c: T::COLLECTION.to_owned(),
        d: key.to_date(),
        i: id,
    };
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&payload).expect("cursor payload serialises"))
}

/// A page ready to send: its records, meta and links, and the `Link` header value.
pub struct Page<T> {
    pub data: Vec<T>,
    pub meta: PageMeta,
    pub links: PageLinks,
}

/// The request's path with its query, `cursor` replaced (or removed when `None`).
fn link(req: &HttpRequest, cursor: Option<&str>) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(req.query_string().as_bytes()) {
        if k != "cursor" {
            query.append_pair(&k, &v);
        }
    }
    if let Some(c) = cursor {
        query.append_pair("cursor", c);
    }
    let query = query.finish();
    if query.is_empty() {
        req.path().to_owned()
    } else {
        format!("{}?{query}", req.path())
    }
}

impl<T: Keyed> Page<T>
where
    T::Key: CursorKey,
{
    /// Builds a page from up to `limit + 1` rows: the extra row only says a next page exists.
    pub fn new(req: &HttpRequest, mut rows: Vec<T>, limit: u32) -> Self {
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let next_cursor = more.then(|| rows.last().map(encode_cursor)).flatten();
        Self {
            meta: PageMeta {
                count: rows.len(),
                limit,
                next_cursor: next_cursor.clone(),
            },
            links: PageLinks {
                this: req
                    .uri()
                    .path_and_query()
                    .map_or_else(|| req.path().to_owned(), ToString::to_string),
                next: next_cursor.as_deref().map(|c| link(req, Some(c))),
            },
            data: rows,
        }
    }

    /// The RFC 8288 `Link` header for the next page, if there is one.
    pub fn link_header(&self) -> Option<(header::HeaderName, String)> {
        self.links
            .next
            .as_ref()
            .map(|next| (header::LINK, format!("<{next}>; rel=\"next\"")))
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

/// Sends a page as JSON with its `Link` header.
pub fn respond<T, P>(page: Page<T>) -> actix_web::HttpResponse
where
    T: Keyed,
    T::Key: CursorKey,
    P: From<Page<T>> + Serialize,
{
    let mut response = actix_web::HttpResponse::Ok();
    if let Some(link) = page.link_header() {
        response.insert_header(link);
    }
    response.json(P::from(page))
}
