//! The database circuit. Once a request finds PostgreSQL unreachable, the requests that need
//! it are answered 503 at once (with `Retry-After`) instead of each waiting out the pool's
//! acquire timeout, so a newsroom page falls back to its cached copy instead of spinning.
//! Meanwhile one background probe connects every 200 ms; its first success closes the
//! circuit. `/readyz` answers from the same state.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web;
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection};
use tokio::sync::Notify;

use crate::error::ApiError;
use crate::replicas::Pools;

/// How often the probe tries the database while the circuit is open.
const PROBE_EVERY: Duration = Duration::from_millis(200);
/// How long one probe may take to connect.
const PROBE_TIMEOUT: Duration = Duration::from_secs(1);

/// Whether PostgreSQL is known to be unreachable, and since when.
pub struct Circuit {
    open: AtomicBool,
    since: std::sync::Mutex<Option<Instant>>,
    wake: Notify,
    gauge: prometheus::IntGauge,
}

impl Circuit {
    /// A closed circuit, reporting its state to `gauge`, and its probe, spawned on the
    /// current runtime (which outlives the HTTP workers) for the databases behind `pools`.
    pub fn start(pools: &Pools, gauge: prometheus::IntGauge) -> Arc<Self> {
        let circuit = Arc::new(Self {
            open: AtomicBool::new(false),
            since: std::sync::Mutex::new(None),
            wake: Notify::new(),
            gauge,
        });
        let targets: Vec<PgConnectOptions> = std::iter::once(&pools.primary)
            .chain(pools.replica.as_ref())
            .map(|pool| (*pool.connect_options()).clone())
            .collect();
        tokio::spawn(probe(Arc::downgrade(&circuit), targets));
        circuit
    }

    /// True while the database is known to be unreachable.
    pub fn is_open(&self) -> bool {
        self.open.load(Ordering::Acquire)
    }

    /// Marks the database unreachable and wakes the probe (once per outage).
    pub fn trip(&self) {
        if !self.open.swap(true, Ordering::AcqRel) {
            *self.since.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
            self.gauge.set(1);
            tracing::warn!("the database is unreachable: answering 503 until a probe connects");
            self.wake.notify_one();
        }
    }

    fn close(&self) {
        let since = self.since.lock().unwrap_or_else(|e| e.into_inner()).take();
        self.open.store(false, Ordering::Release);
        self.gauge.set(0);
        tracing::info!(
            down_ms = since.map_or(0, |s| s.elapsed().as_millis() as u64),
            "the database answers again"
        );
    }

    /// The answer to a request that needs the database while the circuit is open.
    pub fn refusal(&self) -> ApiError {
        let since = *self.since.lock().unwrap_or_else(|e| e.into_inner());
        ApiError::DatabaseDown {
            for_s: since.map_or(0, |s| s.elapsed().as_secs()),
        }
    }
}

/// Waits for the circuit to open, then connects to every database until all answer, closes
/// the circuit, and waits again. Ends when the circuit is dropped.
async fn probe(circuit: std::sync::Weak<Circuit>, targets: Vec<PgConnectOptions>) {
    loop {
        let Some(c) = circuit.upgrade() else { return };
        // `notify_one` keeps a permit, so a trip before this wait is not missed.
        c.wake.notified().await;
        loop {
            if reachable(&targets).await {
                c.close();
                break;
            }
            tokio::time::sleep(PROBE_EVERY).await;
        }
    }
}

/// Whether a fresh connection to each target opens within [`PROBE_TIMEOUT`] (not one from
/// the pool: an exhausted pool is not an unreachable database).
async fn reachable(targets: &[PgConnectOptions]) -> bool {
    for options in targets {
        match tokio::time::timeout(PROBE_TIMEOUT, options.connect()).await {
            Ok(Ok(conn)) => {
                let _ = conn.close().await;
            }
            _ => return false,
        }
    }
    true
}

/// Whether `path` needs the database: the API's data and the pages, not its description.
fn needs_database(path: &str) -> bool {
    crate::caching::serves_data(path) && path != "/v1/openapi.json"
}

/// While the circuit is open, answers requests that need the database 503 without trying
/// it; a request that finds the database unreachable opens it.
pub async fn guard(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let circuit = match req.app_data::<web::Data<Circuit>>() {
        Some(c) if needs_database(req.path()) => c.clone(),
        _ => return Ok(next.call(req).await?.map_into_left_body()),
    };
    if circuit.is_open() {
        return Ok(req.error_response(circuit.refusal()).map_into_right_body());
    }
    let res = next.call(req).await?;
    if res
        .response()
        .error()
        .and_then(|e| e.as_error::<ApiError>())
        .is_some_and(ApiError::is_unreachable)
    {
        circuit.trip();
    }
    Ok(res.map_into_left_body())
}
