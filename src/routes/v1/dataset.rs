//! `/v1/dataset` and `/v1/openapi.json`: what the dataset is, and the API's contract.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use sqlx::PgPool;
use utoipa::ToSchema;

use crate::domain::DatasetMeta;
use crate::error::{ApiError, InternalError, Unavailable};
use crate::openapi::SpecJson;
use crate::store;
use crate::store::dataset::Counts;

/// The dataset's version, licence, citation and record counts.
#[derive(Debug, Serialize, ToSchema)]
pub struct DatasetInfo {
    #[serde(flatten)]
    pub meta: DatasetMeta,
    /// Records per resource.
    pub counts: Counts,
}

/// Describe the dataset
///
/// Version, last update, licence, how to cite it, and how many records of each kind it holds.
#[utoipa::path(
    tag = "dataset",
    responses(
        (status = 200, description = "The dataset's description", body = DatasetInfo),
        (status = 500, response = InternalError),
        (status = 503, response = Unavailable),
    )
)]
#[get("/dataset")]
pub async fn get_dataset(pool: web::Data<PgPool>) -> Result<web::Json<DatasetInfo>, ApiError> {
    let meta = store::dataset::get_meta(&pool).await?.ok_or_else(|| {
        ApiError::Internal(anyhow::anyhow!(
            "no dataset loaded: serve loads one at start-up"
        ))
    })?;
    let counts = store::dataset::counts(&pool).await?;
    Ok(web::Json(DatasetInfo { meta, counts }))
}

/// The OpenAPI document
///
/// This API's OpenAPI 3.1 description: the same document as `openapi/openapi.json` in the
/// repository, generated from the code.
#[utoipa::path(
    tag = "meta",
    responses(
        (status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json",
            body = Object),
    )
)]
#[get("/openapi.json")]
pub async fn get_openapi(spec: web::Data<SpecJson>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(spec.0.clone())
}
