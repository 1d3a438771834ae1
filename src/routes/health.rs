//! `/healthz` (the process is up) and `/readyz` (it can serve: Postgres answers, the
//! primary and, when one is configured, the read replica).

use std::time::Duration;

use actix_web::{get, web};
use serde::Serialize;
use sqlx::PgPool;
use utoipa::ToSchema;

use crate::error::{ApiError, Unavailable};
use crate::replicas::Pools;
use crate::store;

/// A health answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: String,
}

/// Liveness
///
/// Answers as long as the process runs; checks nothing else.
#[utoipa::path(tag = "health", responses((status = 200, description = "The process is up", body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> web::Json<Health> {
    web::Json(Health {
        status: "ok".into(),
    })
}

/// Readiness
///
/// Answers 200 when PostgreSQL answers within two seconds (the primary and, when one is
/// configured, the read replica), else 503.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "Ready to serve", body = Health),
        (status = 503, response = Unavailable),
    )
)]
#[get("/readyz")]
pub async fn readyz(pools: web::Data<Pools>) -> Result<web::Json<Health>, ApiError> {
    let replica = async {
        match &pools.replica {
            Some(replica) => ping(replica).await,
            None => Ok(()),
        }
    };
    // Both at once, so the two-second bound holds for the pair.
    let (primary, replica) = futures_util::join!(ping(&pools.primary), replica);
    primary.and(replica)?;
    Ok(web::Json(Health {
        status: "ready".into(),
    }))
}

/// One pool answers within two seconds, else 503.
async fn ping(pool: &PgPool) -> Result<(), ApiError> {
    match tokio::time::timeout(Duration::from_secs(2), store::ping(pool)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(ApiError::Unavailable(e)),
        Err(_) => Err(ApiError::Unavailable(sqlx::Error::PoolTimedOut)),
    }
}
