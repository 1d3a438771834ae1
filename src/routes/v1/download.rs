//! Whole-collection downloads: a CSV or GeoJSON listing asked for without `limit` streams
//! every matching record, so a URL pasted into a spreadsheet or a GIS gets the collection,
//! not its first page with the rest behind a `Link` header.
//!
//! The listing reads itself page by page, as a client would, with its own cursors, in chunks
//! of the export's size (`DURAND_EXPORT_CHUNK_ROWS`), all at one pinned dataset version (the
//! current one when the download starts, or the `as_of` one). As with the export, each chunk takes a connection and gives
//! it back before its bytes are handed on: a slow reader holds no connection, and memory
//! stays one chunk whatever the collection's size. The first chunk is read before the 200,
//! so a database that cannot be reached is a 503, not a body that breaks off.

use std::future::Future;

use actix_web::web::Bytes;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use futures_util::Stream;

use super::csv::{CsvRecord, csv_header, csv_rows};
use super::dataset::ExportChunkRows;
use super::format::Format;
use super::pagination::Chunk;
use crate::caching::ReadStamp;
use crate::domain::Incident;
use crate::error::ApiError;
use crate::store;
use crate::store::Reader;

/// Whether a listing answers with every matching record rather than a page: CSV or GeoJSON
/// asked for without `limit`.
pub fn is_whole(format: Format, limit: Option<super::params::Limit>) -> bool {
    limit.is_none() && matches!(format, Format::Csv | Format::Geojson)
}

/// A record a download can write: as CSV rows, and (incidents) as GeoJSON features.
pub trait Downloadable: CsvRecord + Sized {
    /// The GeoJSON features of `records`, each serialised; none for records without places.
    fn features(_records: &[Self]) -> serde_json::Result<Vec<String>> {
        Ok(Vec::new())
    }
}

impl Downloadable for crate::domain::Actor {}
impl Downloadable for crate::domain::Source {}
impl Downloadable for crate::domain::Claim {}
impl Downloadable for crate::domain::ForceFigure {}

impl Downloadable for Incident {
    fn features(records: &[Self]) -> serde_json::Result<Vec<String>> {
        super::geojson::feature_collection(records)
            .features
            .iter()
            .map(serde_json::to_string)
            .collect()
    }
}

/// Streams every record `fetch` reads, from `cursor` on, as one CSV or GeoJSON body named
/// `name`. `fetch(reader, cursor, limit)` reads one chunk of the listing.
#[tracing::instrument(skip_all)]
pub async fn respond<T, F, Fut>(
    req: &HttpRequest,
    reader: &Reader,
    format: Format,
    name: &str,
    cursor: Option<String>,
    fetch: F,
) -> Result<HttpResponse, ApiError>
where
    T: Downloadable + 'static,
    F: Fn(Reader, Option<String>, u32) -> Fut + 'static,
    Fut: Future<Output = Result<Chunk<T>, ApiError>> + 'static,
{
    let pinned = match reader.version() {
        Some(version) => reader.pinned(version),
        None => {
            let stamp = store::dataset::stamp(reader).await?.ok_or_else(|| {
                ApiError::Internal(anyhow::anyhow!(
                    "no dataset loaded: serve loads one at start-up"
                ))
            })?;
            let pinned = reader.pinned(stamp.version);
            // The headers name the version every chunk reads.
            req.extensions_mut().insert(ReadStamp(stamp));
            pinned
        }
    };
    let chunk_rows = req
        .app_data::<web::Data<ExportChunkRows>>()
        .map_or(crate::store::export::DEFAULT_CHUNK_ROWS, |c| c.0)
        .max(1);
    let first = fetch(pinned.clone(), cursor, chunk_rows).await?;
    let body = stream(format, pinned, first, fetch, chunk_rows);
    let extension = match format {
        Format::Geojson => "geojson",
        _ => "csv",
    };
    Ok(HttpResponse::Ok()
        .content_type(format.media_type())
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("inline; filename=\"{name}.{extension}\""),
        ))
        .streaming(body))
}

/// The body: the head (CSV header row, or the FeatureCollection's opening), each chunk as it
/// is read, then the tail.
fn stream<T, F, Fut>(
    format: Format,
    reader: Reader,
    first: Chunk<T>,
    fetch: F,
    chunk_rows: u32,
) -> impl Stream<Item = Result<Bytes, actix_web::Error>>
where
    T: Downloadable + 'static,
    F: Fn(Reader, Option<String>, u32) -> Fut + 'static,
    Fut: Future<Output = Result<Chunk<T>, ApiError>> + 'static,
{
    let geojson = format == Format::Geojson;
    async_stream::try_stream! {
        yield Bytes::from(if geojson {
            r#"{"type":"FeatureCollection","features":["#.to_owned()
        } else {
            csv_header::<T>()
        });
        let mut chunk = first;
        let mut features_written = false;
        loop {
            if geojson {
                let mut out = String::new();
                // A feature that does not serialise ends the body short (no closing `]}`):
                // invalid JSON, never a collection silently missing records.
                let features = T::features(&chunk.rows).map_err(|e| ApiError::Internal(e.into()))?;
                for feature in features {
                    if features_written {
                        out.push(',');
                    }
                    out.push_str(&feature);
                    features_written = true;
                }
                yield Bytes::from(out);
            } else {
                yield Bytes::from(csv_rows(&chunk.rows));
            }
            let Some(cursor) = chunk.next_cursor.take() else {
                break;
            };
            chunk = fetch(reader.clone(), Some(cursor), chunk_rows)
                .await
                .inspect_err(|e| tracing::error!(error = %e, "download stream failed"))?;
        }
        if geojson {
            yield Bytes::from_static(b"]}");
        }
    }
}
