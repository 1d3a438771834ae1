//! `/healthz` (the process is up) and `/readyz` (it can serve: Postgres answers, the
//! primary and, when one is configured, the read replica).

use std::time::{Duration, Instant};

use actix_web::{get, web};
use serde::Serialize;
use sqlx::PgPool;
use utoipa::ToSchema;

use crate::circuit::Circuit;
use crate::error::{ApiError, Unavailable};
use crate::replicas::Pools;
use crate::shutdown::Drain;
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

/// When the database last answered a readiness check, so that `/readyz` pings it at most once
/// a second however often it is asked (one check at a time; the others wait for it). A failed
/// check opens the circuit, whose probe then does the checking.
pub struct Readiness {
    last_ok: tokio::sync::Mutex<Option<Instant>>,
    checks: prometheus::IntCounter,
}

impl Readiness {
    /// How long an answer is reused.
    const FRESH: Duration = Duration::from_secs(1);

    pub fn new(checks: prometheus::IntCounter) -> Self {
        Self {
            last_ok: tokio::sync::Mutex::new(None),
            checks,
        }
    }

    /// Whether the pools answer: yes if they did under a second ago, else a fresh check.
    async fn ready(&self, pools: &Pools) -> bool {
        let mut last_ok = self.last_ok.lock().await;
        if last_ok.is_some_and(|at| at.elapsed() < Self::FRESH) {
            return true;
        }
        self.checks.inc();
        let replica = async {
            match &pools.replica {
                Some(replica) => ping(replica).await,
                None => Ok(()),
            }
        };
        // Both at once, so the two-second bound holds for the pair.
        let (primary, replica) = futures_util::join!(ping(&pools.primary), replica);
        let ready = primary.and(replica).is_ok();
        *last_ok = ready.then(Instant::now);
        ready
    }
}

/// Readiness
///
/// Answers 200 when PostgreSQL answers within two seconds (the primary and, when one is
/// configured, the read replica), else 503; a success is reused for up to a second. Also 503,
/// at once, while the database is known to be unreachable (until a background probe
/// connects) and while this process shuts down.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "Ready to serve", body = Health),
        (status = 503, response = Unavailable),
    )
)]
#[get("/readyz")]
#[tracing::instrument(skip_all)]
pub async fn readyz(
    pools: web::Data<Pools>,
    readiness: web::Data<Readiness>,
    circuit: web::Data<Circuit>,
    drain: web::Data<Drain>,
) -> Result<web::Json<Health>, ApiError> {
    if drain.is_draining() {
        return Err(ApiError::ShuttingDown);
    }
    if circuit.is_open() {
        return Err(circuit.refusal());
    }
    if !readiness.ready(&pools).await {
        circuit.trip();
        return Err(ApiError::Unavailable(sqlx::Error::PoolTimedOut));
    }
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
