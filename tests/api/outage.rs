//! A database outage (issue 11, item 4): once a request finds PostgreSQL unreachable, the
//! requests that need it are answered 503 with `Retry-After` at once, without trying it, and
//! `/readyz` says the same; when it returns, reads answer 200 again. The outage is real: the
//! server reaches PostgreSQL through a TCP proxy on loopback that the test cuts and restores.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use durand::config::{ServerSettings, WaitSettings};
use durand::store;
use sqlx::PgPool;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;

use crate::helpers::{TestApp, metric};

/// A TCP proxy to PostgreSQL that can be cut (open connections dropped, new ones closed at
/// once, as a server that went away) and restored. Counts the connections it is asked for.
pub struct Proxy {
    pub port: u16,
    up: Arc<AtomicBool>,
    attempts: Arc<AtomicUsize>,
    open: Arc<std::sync::Mutex<Vec<AbortHandle>>>,
}

impl Proxy {
    pub async fn start(upstream: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = Arc::new(AtomicBool::new(true));
        let attempts = Arc::new(AtomicUsize::new(0));
        let open = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (u, a, o) = (up.clone(), attempts.clone(), open.clone());
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                a.fetch_add(1, Ordering::SeqCst);
                if !u.load(Ordering::SeqCst) {
                    continue; // dropped: the connection closes at once
                }
                let upstream = upstream.clone();
                let task = tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(&upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                o.lock().unwrap().push(task.abort_handle());
            }
        });
        Self {
            port,
            up,
            attempts,
            open,
        }
    }

    /// Cuts every open connection and refuses new ones.
    pub fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        for task in self.open.lock().unwrap().drain(..) {
            task.abort();
        }
    }

    pub fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }

    pub fn attempts(&self) -> usize {
        self.attempts.load(Ordering::SeqCst)
    }
}

#[sqlx::test]
async fn while_the_database_is_down_requests_fail_fast_with_503_and_recover_when_it_returns(
    pool: PgPool,
) {
    let options = pool.connect_options();
    let upstream = format!("{}:{}", options.get_host(), options.get_port());
    let proxy = Proxy::start(upstream).await;
    let waits = WaitSettings::default();
    let serving = store::connect_serving(
        options.as_ref().clone().host("127.0.0.1").port(proxy.port),
        5,
        &waits,
    );
    let mut settings = ServerSettings::default();
    settings.rate_limit.per_minute = 0;
    let app = TestApp::spawn_with(serving, settings).await;
    let claims = "/v1/claims?limit=5";
    assert_eq!(app.get(claims).await.status, 200);
    let metrics = || async {
        let page = app
            .request(reqwest::Method::GET, "/metrics")
            .await
            .text()
            .await
            .unwrap();
        metric(&page, "durand_database_circuit_open")
    };
    assert_eq!(metrics().await, Some(0.0));

    proxy.cut();
    // The first request finds the database gone (after the pool's acquire timeout at most).
    let first = app.get(claims).await;
    first.assert_problem(503);
    assert!(first.headers.contains_key("retry-after"));
    assert_eq!(metrics().await, Some(1.0), "the circuit opened");

    // The rest are refused without trying the database: far fewer connection attempts than
    // requests (only the background probe's), each a 503 problem with Retry-After.
    let attempts = proxy.attempts();
    let asks = 60;
    for path in [
        "/v1/claims?limit=5",
        "/v1/actors",
        "/v1/incidents",
        "/v1/dataset",
    ]
    .iter()
    .cycle()
    .take(asks)
    {
        let r = app.get(path).await;
        let problem = r.assert_problem(503);
        assert_eq!(r.headers["retry-after"], "1", "{path}");
        assert!(
            problem["detail"].as_str().unwrap().contains("unreachable"),
            "{problem}"
        );
    }
    let ready = app.get("/readyz").await;
    ready.assert_problem(503);
    assert!(
        proxy.attempts() - attempts < asks / 2,
        "{} connection attempts for {asks} requests",
        proxy.attempts() - attempts
    );
    // What needs no database still answers.
    assert_eq!(app.get("/healthz").await.status, 200);
    assert_eq!(app.get("/v1/openapi.json").await.status, 200);

    proxy.restore();
    let mut recovered = false;
    for _ in 0..300 {
        if app.get(claims).await.status == 200 {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        recovered,
        "reads never recovered after the database returned"
    );
    assert_eq!(app.get("/readyz").await.status, 200);
    assert_eq!(metrics().await, Some(0.0), "the circuit closed");
}
