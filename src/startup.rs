//! Builds the HTTP server: routes, shared state, error handlers, middleware, docs UI.

use std::net::TcpListener;
use std::time::Duration;

use actix_http::{HttpService, error::DispatchError};
use actix_service::{IntoServiceFactory, ServiceFactoryExt, map_config};
use actix_web::body::MessageBody;
use actix_web::dev::{AppConfig, Server, ServiceRequest, ServiceResponse, fn_service};
use actix_web::http::Method;
use actix_web::middleware::{Compress, Next, from_fn};
use actix_web::rt::net::TcpStream;
use actix_web::{App, web};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::{Config, SwaggerUi};

use crate::circuit::{self, Circuit};
use crate::config::ServerSettings;
use crate::curation::{Curator, Validators};
use crate::error::ApiError;
use crate::openapi;
use crate::replicas::{DatasetStamp, Pools, ReadRouter};
use crate::response_cache::{self, ResponseCache};
use crate::routes::{self, SpecJson, fallback::KnownPaths};
use crate::shutdown::{self, Drain};
use crate::{caching, cors, encoding, metrics, notifications, rate_limit, telemetry, wire};

/// A bound, not yet running, HTTP server.
pub struct Application {
    port: u16,
    server: Server,
    drain: web::Data<Drain>,
    pools: Pools,
    grace: Duration,
}

impl Application {
    /// Binds `settings.addr` (port 0 picks a free one) and prepares the server over one
    /// pool, or over a primary and a read replica ([`Pools`]).
    pub fn build(settings: &ServerSettings, pools: impl Into<Pools>) -> std::io::Result<Self> {
        let listener = TcpListener::bind(settings.addr)?;
        Self::with_listener(listener, settings, pools)
    }

    /// Prepares the server on an already bound listener (tests bind 127.0.0.1:0).
    pub fn with_listener(
        listener: TcpListener,
        settings: &ServerSettings,
        pools: impl Into<Pools>,
    ) -> std::io::Result<Self> {
        let pools: Pools = pools.into();
        let port = listener.local_addr()?.port();
        let spec = openapi::spec();
        let known =
            web::Data::new(KnownPaths::from_spec(&spec).with_read_only(routes::pages::PATHS));
        let spec_json = web::Data::new(SpecJson(openapi::to_json(&spec)));
        let limiter = web::Data::new(rate_limit::Limiter::new(&settings.rate_limit));
        let metrics = web::Data::new(metrics::Metrics::new());
        let readiness = web::Data::new(routes::health::Readiness::new(
            metrics.readiness_checks.clone(),
        ));
        let circuit = web::Data::from(Circuit::start(&pools, metrics.circuit_open.clone()));
        let stamps = web::Data::new(DatasetStamp::new(Duration::from_millis(
            settings.stamp_ttl_ms,
        )));
        let validators = Validators::compile(&spec).map_err(std::io::Error::other)?;
        // Writes (and key lookups, which record `last_used_at`) go to the primary only.
        let curator = web::Data::new(
            Curator::new(pools.primary.clone(), validators)
                .waiting_at_most(Duration::from_millis(settings.waits.lock_timeout_ms)),
        );
        notifications::start(&pools.primary, stamps.clone());
        let router = web::Data::new(ReadRouter::new(&pools, stamps.clone()));
        let responses = web::Data::new(ResponseCache::new(settings.cache_bytes));
        let export = web::Data::new(routes::v1::dataset::ExportChunkRows(
            settings.export_chunk_rows,
        ));
        let addresses = web::Data::new(crate::pages::Addresses(settings.public_url.clone()));
        let pool = web::Data::new(pools.primary.clone());
        let drain = web::Data::new(Drain::default());
        let app_drain = drain.clone();
        let app_pools = web::Data::new(pools.clone());
        let app = move || {
            let (app, _) = App::new()
                .into_utoipa_app()
                .configure(routes::configure)
                .split_for_parts();
            app.app_data(pool.clone())
                .app_data(app_pools.clone())
                .app_data(app_drain.clone())
                .app_data(router.clone())
                .app_data(known.clone())
                .app_data(spec_json.clone())
                .app_data(limiter.clone())
                .app_data(metrics.clone())
                .app_data(readiness.clone())
                .app_data(circuit.clone())
                .app_data(stamps.clone())
                .app_data(responses.clone())
                .app_data(curator.clone())
                .app_data(export.clone())
                .app_data(addresses.clone())
                .app_data(
                    web::QueryConfig::default()
                        .error_handler(|e, _| ApiError::invalid("query", e.to_string()).into()),
                )
                .app_data(web::PathConfig::default().error_handler(|e, _| {
                    ApiError::Absent(format!("No record at this path: {e}")).into()
                }))
                .service(web::resource("/metrics").get(metrics::metrics_endpoint::<ResponseCache>))
                .configure(routes::pages::configure)
                .service(web::redirect("/docs", "/docs/"))
                // No validator: Swagger UI would send the spec's address to validator.swagger.io
                // whenever it is served under a host name other than localhost.
                .service(
                    SwaggerUi::new("/docs/{_:.*}")
                        .url("/docs/openapi.json", spec.clone())
                        .config(Config::default().validator_url("none")),
                )
                .default_service(web::to(routes::fallback::not_found))
                // Listed innermost first: a browser asking for a page gets its errors as a
                // page, caching sees the handler's own bytes, the circuit
                // answers before caching asks the database for a stamp, compression comes
                // after the ETag, conditions are answered once the coding (and so the ETag)
                // is known, the response cache keeps compressed bodies and sees HEAD as GET
                // but never a request no coding suits, CORS headers reach 429s (and its
                // refusals and `Vary` are tidied), the request span and metrics cover
                // everything, and shutdown counts every request until its body is sent.
                .wrap(from_fn(routes::pages::problems_as_pages))
                .wrap(from_fn(caching::http_cache))
                .wrap(from_fn(circuit::guard))
                .wrap(Compress::default())
                .wrap(from_fn(caching::conditional))
                .wrap(from_fn(response_cache::serve))
                .wrap(from_fn(encoding::require_acceptable))
                .wrap(from_fn(head_as_get))
                .wrap(from_fn(problem_bodies))
                .wrap(from_fn(rate_limit::enforce))
                .wrap(cors::policy())
                .wrap(from_fn(cors::tidy))
                .wrap(from_fn(metrics::track))
                .wrap(from_fn(telemetry::request_span))
                .wrap(from_fn(shutdown::track))
        };
        // What `HttpServer` builds, with each connection's socket wrapped in
        // [`wire::Answered`], so that the answers actix-http's codec writes itself carry a
        // problem body too. Shutdown is ours (`run_until_stopped`): by the time the workers
        // are told to stop, the requests in flight have finished, so their idle connections
        // get a second.
        let local = listener.local_addr()?;
        let mut server = Server::build().disable_signals().shutdown_timeout(1);
        if let Some(workers) = settings.workers {
            server = server.workers(workers);
        }
        let server = server.listen("durand", listener, move || {
            let app = app().into_factory().map_err(|e| e.error_response());
            let http = HttpService::build()
                .client_request_timeout(Duration::from_secs(5))
                .client_disconnect_timeout(Duration::from_secs(1))
                .local_addr(local)
                .h1(map_config(app, |_| AppConfig::default()));
            fn_service(|io: TcpStream| async move {
                let _ = io.set_nodelay(true);
                let peer = io.peer_addr().ok();
                Ok::<_, DispatchError>((wire::Answered::new(io), peer))
            })
            .and_then(http)
        })?;
        Ok(Self {
            port,
            server: server.run(),
            drain,
            pools,
            grace: Duration::from_secs(settings.shutdown_grace),
        })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGTERM or SIGINT, then stops accepting, lets the requests in flight
    /// finish within the grace period (`DURAND_SHUTDOWN_GRACE`), closes the pools and stops
    /// ([`Drain::shut_down`]). A second signal stops at once.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let handle = self.server.handle();
        let mut server = self.server;
        tokio::select! {
            result = &mut server => return result,
            () = shutdown::signalled() => {}
        }
        let stop = async {
            tokio::select! {
                () = self.drain.shut_down(handle.clone(), self.pools, self.grace) => {}
                () = shutdown::signalled() => {
                    tracing::warn!("a second signal: stopping now");
                    handle.stop(false).await;
                }
            }
        };
        let ((), result) = tokio::join!(stop, server);
        result
    }
}

/// Gives every error answer a problem document: a handler's errors already are, but the
/// framework's and the docs UI's (a 404 under `/docs/`, for one) arrive without a body.
async fn problem_bodies(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let res = next.call(req).await?;
    let status = res.status();
    let empty = matches!(
        res.response().body().size(),
        actix_web::body::BodySize::Sized(0)
    );
    if !(status.is_client_error() || status.is_server_error()) || !empty {
        return Ok(res.map_into_boxed_body());
    }
    let (req, mut res) = res.into_parts();
    let problem = crate::error::Problem::blank(status);
    let body = serde_json::to_vec(&problem).unwrap_or_default();
    let headers = res.headers_mut();
    // The new body is plain JSON, whatever encoding an empty one was labelled with.
    headers.remove(actix_web::http::header::CONTENT_ENCODING);
    headers.insert(
        actix_web::http::header::CONTENT_TYPE,
        actix_web::http::header::HeaderValue::from_static(crate::error::PROBLEM_JSON),
    );
    let res = res.set_body(actix_web::body::BoxBody::new(body));
    Ok(ServiceResponse::new(req, res))
}

/// Answers `HEAD` like `GET`: the route macros match `GET` only, and actix's HTTP/1 codec
/// already drops the body of a response to a request that arrived as `HEAD`.
async fn head_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    next.call(req).await
}
