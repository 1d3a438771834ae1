//! `/v1/dataset` and `/v1/openapi.json`: what the dataset is, and the API's contract.

use crate::domain::DatasetInfo;
use crate::representation;
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpResponse, get, web};
use futures_util::TryStreamExt;

use super::as_of::{AsOfParams, Db};
use super::responses::get_endpoint;
use crate::error::{ApiError, TooManyRequests};
use crate::extract::Params;
use crate::routes::SpecJson;
use crate::store;

get_endpoint! {
    /// Describe the dataset
    ///
    /// Version, last update, licence, how to cite it, and how many records of each kind it holds.
    "/dataset", "dataset", params(AsOfParams),
    json("The dataset's description", DatasetInfo), errors: ListErrors;
    get_dataset: |pool, _| representation::dataset_info(&pool).await?
}

get_endpoint! {
    /// Export the whole dataset
    ///
    /// Every record as NDJSON (`application/x-ndjson`): one JSON object per line,
    /// `{"type": "dataset" | "source" | "actor" | "incident" | "claim" | "force_figure", "data": ...}`,
    /// in that order and by id within each type, then one last line `{"type": "end", "count": N}`.
    ///
    /// Every line is from one dataset version, named by the `Durand-Dataset-Version` header:
    /// the current version when the export starts (or the one `as_of` names), however long the
    /// download takes and whatever is written meanwhile.
    ///
    /// N, on the end line, is the number of lines before it: the dataset line plus one line per
    /// record. A body without the end line was cut short (a dropped connection, or the database
    /// failing after the 200 was sent): download it again. Streamed in chunks, so its memory
    /// does not grow with the dataset.
    "/export", "dataset", params(AsOfParams),
    ok(description = "The dataset, one record per line, then the end line",
        content((super::tagged::ExportLine = "application/x-ndjson"))), errors: ListErrors;
    pub async fn export(
        db: Db,
        Params(params): Params<AsOfParams>,
        chunk_rows: web::Data<ExportChunkRows>,
        _: super::format::NdjsonOnly,
    ) -> Result<HttpResponse, ApiError> {
        let pool = db.at(params.as_of).await?;
        // The version is pinned and the first line read before the 200 is built, so a database
        // that cannot be reached is a 503, not a 200 whose body breaks off.
        let export = store::export::Export::start(&pool, chunk_rows.0)
            .await?
            .ok_or_else(representation::not_loaded)?;
        if params.as_of.is_none() {
            db.read_at(export.stamp().clone());
        }
        let stream = export.ndjson().map_ok(Bytes::from).map_err(|e| {
            tracing::error!(error = %e, "export stream failed");
            actix_web::Error::from(ApiError::from(e))
        });
        Ok(HttpResponse::Ok()
            .content_type("application/x-ndjson")
            .insert_header((
                header::CONTENT_DISPOSITION,
                "inline; filename=\"durand.ndjson\"",
            ))
            .streaming(stream))
    }
}

/// How many records an export reads per query (`DURAND_EXPORT_CHUNK_ROWS`).
#[derive(Debug, Clone, Copy)]
pub struct ExportChunkRows(pub u32);

/// The OpenAPI document
///
/// This API's OpenAPI 3.1 description: the same document as `openapi/openapi.json` in the
/// repository, generated from the code.
#[utoipa::path(
    tag = "meta",
    responses(
        (status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json",
            body = Object),
        (status = 406, response = crate::error::NotAcceptable),
        (status = 429, response = TooManyRequests),
    )
)]
#[get("/openapi.json")]
#[tracing::instrument(skip_all)]
pub async fn get_openapi(spec: web::Data<SpecJson>, _: super::format::JsonOnly) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(spec.0.clone())
}
