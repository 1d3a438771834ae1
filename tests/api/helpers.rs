//! A real server on a random port, over a fresh database per test (from `#[sqlx::test]`),
//! loaded with the bundled dataset.

use std::net::TcpListener;

use durand::config::ServerSettings;
use durand::domain::Dataset;
use durand::startup::Application;
use durand::{store, telemetry};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;
use sqlx::PgPool;

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub pool: PgPool,
}

/// A response with its body parsed as JSON.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    /// The `Content-Type` header, or "".
    pub fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The ids of a collection page's records.
    pub fn ids(&self) -> Vec<String> {
        self.body["data"]
            .as_array()
            .unwrap_or_else(|| panic!("not a page: {}", self.body))
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect()
    }

    /// Asserts this is an RFC 9457 problem with `status`, and returns it.
    pub fn assert_problem(&self, status: u16) -> &Value {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.body);
        assert_eq!(self.content_type(), "application/problem+json");
        assert_eq!(self.body["status"], status);
        for field in ["type", "title", "detail"] {
            assert!(
                self.body[field].is_string(),
                "problem without `{field}`: {}",
                self.body
            );
        }
        &self.body
    }

    /// Asserts a 400 problem naming `parameter` in `errors[]`, and returns its detail.
    pub fn assert_bad_parameter(&self, parameter: &str) -> String {
        let body = self.assert_problem(400);
        let errors = body["errors"].as_array().expect("errors[]");
        let error = errors
            .iter()
            .find(|e| e["parameter"] == parameter)
            .unwrap_or_else(|| panic!("no error for `{parameter}` in {body}"));
        error["detail"].as_str().unwrap().to_owned()
    }
}

impl TestApp {
    /// Loads the bundled dataset into `pool` and serves it on 127.0.0.1, port 0.
    pub async fn spawn(pool: PgPool) -> Self {
        if std::env::var_os("TEST_LOG").is_some() {
            telemetry::init(
                "info,sqlx=warn",
                telemetry::LogFormat::Pretty,
                false,
                std::io::stdout,
            );
        }
        let dataset = Dataset::bundled().expect("bundled dataset");
        store::import::import_dataset(&pool, &dataset)
            .await
            .expect("import");
        Self::serve(pool)
    }

    /// Like `spawn`, with non-default server settings (rate limits, ...).
    #[allow(dead_code, reason = "used by some test modules only")]
    pub async fn spawn_with(pool: PgPool, settings: ServerSettings) -> Self {
        let dataset = Dataset::bundled().expect("bundled dataset");
        store::import::import_dataset(&pool, &dataset)
            .await
            .expect("import");
        Self::serve_with(pool, settings)
    }

    /// Serves whatever `pool` holds.
    pub fn serve(pool: PgPool) -> Self {
        Self::serve_with(pool, ServerSettings::default())
    }

    fn serve_with(pool: PgPool, settings: ServerSettings) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        Self::serve_on(listener, pool, settings)
    }

    /// Serves whatever `pool` holds on `listener`, bound by the caller (for socket options a
    /// test needs), with `settings`.
    pub fn serve_on(listener: TcpListener, pool: PgPool, mut settings: ServerSettings) -> Self {
        settings.workers = Some(1);
        let app = Application::with_listener(listener, &settings, pool.clone()).expect("build");
        let base = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.run_until_stopped());
        Self {
            base,
            client: reqwest::Client::new(),
            pool,
        }
    }

    pub async fn request(&self, method: reqwest::Method, path: &str) -> reqwest::Response {
        self.client
            .request(method, format!("{}{path}", self.base))
            .send()
            .await
            .expect("request")
    }

    /// GETs `path` and parses the body as JSON.
    pub async fn get(&self, path: &str) -> Reply {
        reply(self.request(reqwest::Method::GET, path).await).await
    }

    /// GETs `path`, asserts 200, and returns the JSON body.
    pub async fn get_ok(&self, path: &str) -> Value {
        let r = self.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "GET {path}: {}", r.body);
        r.body
    }

    /// GETs `path` with one extra request header.
    pub async fn get_with_header(&self, path: &str, name: &str, value: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .header(name, value)
            .send()
            .await
            .expect("request")
    }

    /// Walks every page of `path` with `limit`, checking the envelope, the links, the cursor
    /// and the `Link` header on each, and returns the records in the order served.
    pub async fn walk(&self, path: &str, limit: u32) -> Vec<Value> {
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut next = Some(format!("{path}{sep}limit={limit}"));
        let mut records = Vec::new();
        let mut pages = 0;
        while let Some(url) = next.take() {
            pages += 1;
            assert!(pages < 100, "pagination does not end");
            let r = self.get(&url).await;
            assert_eq!(r.status, StatusCode::OK, "{url}: {}", r.body);
            assert_eq!(r.body["links"]["self"], url);
            let data = r.body["data"].as_array().expect("a page").clone();
            assert!(data.len() <= limit as usize);
            assert_eq!(r.body["meta"]["count"], data.len());
            records.extend(data);
            let link = r
                .headers
                .get("link")
                .map(|v| v.to_str().unwrap().to_owned());
            match r.body["links"]["next"].as_str() {
                Some(n) => {
                    assert_eq!(link, Some(format!("<{n}>; rel=\"next\"")));
                    let cursor = r.body["meta"]["next_cursor"].as_str().unwrap();
                    assert!(n.ends_with(&format!("cursor={cursor}")), "{n}");
                    next = Some(n.to_owned());
                }
                None => {
                    assert_eq!(link, None);
                    assert_eq!(r.body["meta"]["next_cursor"], Value::Null);
                }
            }
        }
        records
    }

    /// The ids on the first page of `path`.
    pub async fn ids(&self, path: &str) -> Vec<String> {
        let r = self.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "GET {path}: {}", r.body);
        r.ids()
    }
}

pub async fn reply(response: reqwest::Response) -> Reply {
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Reply {
        status,
        headers,
        body,
    }
}

/// Finds the record with `id` in a JSON array.
pub fn by_id<'a>(records: &'a Value, id: &str) -> &'a Value {
    records
        .as_array()
        .expect("array")
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no record `{id}`"))
}

/// The URL of this test's database, for the real binary.
#[allow(dead_code, reason = "used by some test modules only")]
pub async fn database_url(pool: &PgPool) -> String {
    let name: String = sqlx::query_scalar("select current_database()")
        .fetch_one(pool)
        .await
        .unwrap();
    let base = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    let (server, _) = base.split('?').next().unwrap().rsplit_once('/').unwrap();
    format!("{server}/{name}")
}

/// The real `durand serve` as a child process on a free port, killed when dropped so that
/// no server outlives a failed assertion holding its database open.
#[allow(dead_code, reason = "used by some test modules only")]
pub struct ServerProcess {
    child: std::process::Child,
    pub base: String,
}

#[allow(dead_code, reason = "used by some test modules only")]
impl ServerProcess {
    /// Starts `durand serve` on `database_url` with extra environment `env`, and waits until
    /// `/readyz` answers 200.
    pub async fn start(database_url: &str, env: &[(&str, &str)]) -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_durand"))
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("DURAND_ADDR", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "warn,sqlx=error")
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("start durand serve");
        let server = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        let client = reqwest::Client::new();
        for _ in 0..400 {
            if client
                .get(format!("{}/readyz", server.base))
                .send()
                .await
                .is_ok_and(|r| r.status() == 200)
            {
                return server;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("durand serve did not become ready");
    }

    /// Sends SIGTERM, as an orchestrator does to stop a container.
    pub fn terminate(&self) {
        let status = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM failed");
    }

    /// Waits for the process to exit; `None` if it still runs after `limit`.
    pub async fn exited_within(
        &mut self,
        limit: std::time::Duration,
    ) -> Option<std::process::ExitStatus> {
        let deadline = std::time::Instant::now() + limit;
        while std::time::Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return Some(status);
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        None
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An NDJSON export body's lines, parsed, with its end line checked (it counts the lines
/// before it) and taken off.
#[allow(dead_code, reason = "used by some test modules only")]
pub fn export_records(body: &str) -> Vec<Value> {
    let mut lines: Vec<Value> = body
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    let end = lines.pop().expect("an end line");
    assert_eq!(
        end,
        serde_json::json!({"type": "end", "count": lines.len()}),
        "the end line counts the lines before it"
    );
    lines
}

/// The value of the unlabelled metric `name` on a Prometheus text page.
#[allow(dead_code, reason = "used by some test modules only")]
pub fn metric(page: &str, name: &str) -> Option<f64> {
    page.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
        .and_then(|v| v.trim().parse().ok())
}

/// A process's metrics page.
pub async fn metrics_page(client: &reqwest::Client, base: &str) -> String {
    client
        .get(format!("{base}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Waits until the process's version listener is listening.
pub async fn listening(client: &reqwest::Client, base: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let page = metrics_page(client, base).await;
        if metric(&page, "durand_version_listener_up") == Some(1.0) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the listener never listened"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
