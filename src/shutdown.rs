//! Graceful shutdown. On SIGTERM or SIGINT the server stops accepting connections, lets the
//! requests in flight finish (bodies included) within the grace period, closes the pools, and
//! only then stops its workers.
//!
//! The order matters: a pooled connection belongs to the worker runtime that opened it, and
//! dies with it. If workers stopped first (actix's own graceful stop stops an idle worker at
//! once), a write on another worker could commit and then fail on the connection it reads
//! back with, and the client would be told that a committed write failed.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::body::{BodySize, BoxBody, MessageBody};
use actix_web::dev::{ServerHandle, ServiceRequest, ServiceResponse};
use actix_web::http::ConnectionType;
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes};
use tokio::sync::Notify;

use crate::replicas::Pools;

/// Requests in flight, and whether the server is draining them to stop.
#[derive(Debug, Default)]
pub struct Drain {
    draining: AtomicBool,
    in_flight: AtomicUsize,
    idle: Notify,
}

impl Drain {
    /// True once shutdown has begun: `/readyz` answers 503, and every response closes its
    /// connection, so a load balancer and keep-alive clients move elsewhere.
    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::Acquire)
    }

    /// The number of requests being answered, their bodies included.
    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::Acquire)
    }

    fn enter(self: &Arc<Self>) -> InFlight {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        InFlight(Arc::clone(self))
    }

    /// Resolves once no request is in flight.
    async fn settled(&self) {
        loop {
            // Registered before the check, so a release between the two is not missed.
            let idle = self.idle.notified();
            if self.in_flight() == 0 {
                return;
            }
            idle.await;
        }
    }

    /// Drains and stops: stop accepting, wait for the requests in flight (at most `grace`),
    /// close the pools, then stop the workers.
    pub async fn shut_down(&self, server: ServerHandle, pools: Pools, grace: Duration) {
        self.draining.store(true, Ordering::Release);
        server.pause().await;
        tracing::info!(
            in_flight = self.in_flight(),
            grace_s = grace.as_secs(),
            "shutting down: no new connections; finishing the requests in flight"
        );
        let finished = tokio::time::timeout(grace, self.settled()).await.is_ok();
        if !finished {
            tracing::warn!(
                in_flight = self.in_flight(),
                "the grace period ran out; stopping with requests still in flight"
            );
        }
        // Every connection is back in the pool unless the grace ran out, so this is quick;
        // a request still holding one is given a second more.
        let close = async {
            pools.primary.close().await;
            if let Some(replica) = &pools.replica {
                replica.close().await;
            }
        };
        let _ = tokio::time::timeout(Duration::from_secs(1), close).await;
        server.stop(finished).await;
    }
}

/// One request in flight; dropped when its response body has been sent or abandoned.
struct InFlight(Arc<Drain>);

impl Drop for InFlight {
    fn drop(&mut self) {
        if self.0.in_flight.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}

/// A response body that keeps its request counted as in flight until it is dropped.
struct Counted {
    body: BoxBody,
    _in_flight: InFlight,
}

impl MessageBody for Counted {
    type Error = Box<dyn std::error::Error>;

    fn size(&self) -> BodySize {
        self.body.size()
    }

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_next(cx)
    }
}

/// Counts each request as in flight until its body is done; while draining, closes the
/// connection after the response. The outermost middleware.
pub async fn track(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let Some(drain) = req
        .app_data::<web::Data<Drain>>()
        .map(|d| d.clone().into_inner())
    else {
        return Ok(next
            .call(req)
            .await?
            .map_into_boxed_body()
            .map_into_left_body());
    };
    let in_flight = drain.enter();
    let mut res = next.call(req).await?;
    if drain.is_draining() {
        res.response_mut()
            .head_mut()
            .set_connection_type(ConnectionType::Close);
    }
    Ok(res
        .map_body(|_, body| Counted {
            body: body.boxed(),
            _in_flight: in_flight,
        })
        .map_into_right_body())
}

/// Resolves on SIGTERM (what orchestrators send) or SIGINT (Ctrl-C); never, if neither
/// can be listened for.
pub async fn signalled() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
