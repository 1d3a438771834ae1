//! `/v1/export` reads in short chunks of one pinned version: exports whose clients stop
//! reading hold no pool connection, an export is one snapshot whatever is written during it,
//! it ends with a line that says it is complete, and a database that cannot be reached is a
//! 503 before any 200. Assertions are on outcomes, never on elapsed time.

use durand::config::{ServerSettings, WaitSettings};
use durand::domain::Dataset;
use durand::generate::{self, Generator, Plan};
use durand::store;
use durand::store::keys::{self, Scope};
use serde::Serialize;
use serde_json::json;
use sqlx::PgPool;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use crate::helpers::{TestApp, export_records, reply};

/// Records an export reads per query in these tests: small, so an export is many chunks.
const CHUNK_ROWS: u32 = 10;

/// The socket buffer size asked for on both ends of a stalled export (the kernel doubles it).
const SOCKET_BUFFER: u32 = 4096;

/// More than a stalled export can have sent: its two socket buffers, the server's 32 KB write
/// buffer, and a chunk or two of `CHUNK_ROWS` records (it stalls after about 50 KB).
const STALLS_WITHIN: usize = 256 * 1024;

/// Settings with rate limiting off and exports read `CHUNK_ROWS` records at a time.
fn settings() -> ServerSettings {
    let mut settings = ServerSettings {
        export_chunk_rows: CHUNK_ROWS,
        ..ServerSettings::default()
    };
    settings.rate_limit.per_minute = 0;
    settings
}

/// Loads synthetic data of about 700 records (close to a megabyte of NDJSON, about 70
/// chunks): far more than a stalled export can have sent.
async fn load_synthetic(pool: &PgPool) {
    let plan = Plan {
        incidents: 200,
        claims: 400,
        seed: 5,
    };
    generate::load(pool, Generator::new(plan, Dataset::bundled().unwrap()), 0)
        .await
        .unwrap();
}

/// A server over `pool` whose connections have small send buffers (accepted sockets inherit
/// the listener's), so an export its client stops reading stalls after a few chunks instead
/// of filling megabytes of kernel buffers.
fn serve_with_small_buffers(pool: PgPool) -> TestApp {
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_send_buffer_size(SOCKET_BUFFER).unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(64).unwrap().into_std().unwrap();
    TestApp::serve_on(listener, pool, settings())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// An export on a connection with a small receive buffer, whose client has read the response
/// head and the first bytes of the body, then stopped reading.
struct StalledExport {
    stream: TcpStream,
    read: Vec<u8>,
    head_len: usize,
}

impl StalledExport {
    async fn start(app: &TestApp, path: &str) -> Self {
        let socket = TcpSocket::new_v4().unwrap();
        socket.set_recv_buffer_size(SOCKET_BUFFER).unwrap();
        let address = app.base.trim_start_matches("http://").parse().unwrap();
        let mut stream = socket.connect(address).await.unwrap();
        let request =
            format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut read = Vec::new();
        let head_len = loop {
            let n = stream.read_buf(&mut read).await.unwrap();
            assert_ne!(
                n,
                0,
                "closed before the body: {}",
                String::from_utf8_lossy(&read)
            );
            if let Some(at) = find(&read, b"\r\n\r\n")
                && read.len() > at + 4
            {
                break at + 4;
            }
        };
        Self {
            stream,
            read,
            head_len,
        }
    }

    fn head(&self) -> String {
        String::from_utf8_lossy(&self.read[..self.head_len]).to_ascii_lowercase()
    }

    fn status_line(&self) -> String {
        self.head().lines().next().unwrap_or_default().to_owned()
    }

    /// The value of response header `name` (lowercase).
    fn header(&self, name: &str) -> Option<String> {
        self.head().lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            (n == name).then(|| v.trim().to_owned())
        })
    }

    /// Reads the rest of the response (the server closes the connection after it) and
    /// returns the body.
    async fn finish(mut self) -> String {
        self.stream.read_to_end(&mut self.read).await.unwrap();
        let chunked = self.header("transfer-encoding").as_deref() == Some("chunked");
        let body = &self.read[self.head_len..];
        let body = if chunked {
            dechunk(body)
        } else {
            body.to_vec()
        };
        String::from_utf8(body).unwrap()
    }
}

/// A complete `Transfer-Encoding: chunked` body, decoded.
fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let end = find(body, b"\r\n").expect("a chunk size line: the body was cut short");
        let size = std::str::from_utf8(&body[..end]).unwrap();
        let size = usize::from_str_radix(size.split(';').next().unwrap().trim(), 16).unwrap();
        body = &body[end + 2..];
        if size == 0 {
            return out;
        }
        assert!(body.len() >= size + 2, "the body was cut short");
        out.extend_from_slice(&body[..size]);
        body = &body[size + 2..];
    }
}

/// How many records of each resource `/v1/dataset` says there are, plus the dataset line.
async fn expected_lines(app: &TestApp) -> usize {
    let counts = app.get_ok("/v1/dataset").await["counts"].clone();
    let records: u64 = ["actors", "sources", "claims", "incidents", "force_figures"]
        .iter()
        .map(|k| counts[k].as_u64().unwrap())
        .sum();
    records as usize + 1
}

/// Waits until `done` holds. The bound only stops a broken server hanging the test.
async fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let waited = tokio::time::timeout(std::time::Duration::from_secs(60), async {
        while !done() {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(waited.is_ok(), "never: {what}");
}

#[sqlx::test]
async fn exports_whose_clients_stop_reading_hold_no_pool_connection(pool: PgPool) {
    load_synthetic(&pool).await;
    const POOL: u32 = 3;
    // The serving pool as `durand serve` opens it: a request waits at most 1 s for one of
    // its connections, then is a 503.
    let serving = store::connect_serving(
        pool.connect_options().as_ref().clone(),
        POOL,
        &WaitSettings::default(),
    );
    let app = serve_with_small_buffers(serving.clone());
    let lines = expected_lines(&app).await;

    // More exports than the pool has connections, each read a little, then left unread.
    let mut exports = Vec::new();
    for _ in 0..POOL + 2 {
        let export = StalledExport::start(&app, "/v1/export").await;
        assert_eq!(export.status_line(), "http/1.1 200 ok");
        exports.push(export);
    }

    // Every other read still gets a connection: more at once than the pool has.
    let reads = (0..2 * POOL).map(|_| app.get("/v1/claims?limit=5"));
    for r in futures_util::future::join_all(reads).await {
        assert_eq!(r.status, 200, "{}", r.body);
    }
    // Once the stalled exports have filled their sockets, every connection is idle in the
    // pool and no session of the database is in a transaction.
    eventually("every pooled connection idle", || {
        serving.num_idle() == serving.size() as usize
    })
    .await;
    assert!(serving.size() <= POOL);
    let in_transaction: i64 = sqlx::query_scalar(
        "select count(*) from pg_stat_activity
         where datname = current_database() and pid <> pg_backend_pid() and xact_start is not null",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(in_transaction, 0, "a stalled export holds a transaction");

    // Read on, each export is whole: every record, then the end line.
    for export in exports {
        let body = export.finish().await;
        assert!(
            body.len() > 2 * STALLS_WITHIN,
            "the export ({} bytes) must be far larger than what its sockets hold, or it never \
             stalled",
            body.len()
        );
        assert_eq!(export_records(&body).len(), lines);
    }
}

#[sqlx::test]
async fn an_export_is_the_version_it_started_at_whatever_is_written_meanwhile(pool: PgPool) {
    load_synthetic(&pool).await;
    let app = serve_with_small_buffers(pool.clone());
    let (token, _) = keys::create(&pool, "editor", Scope::Write).await.unwrap();
    // The last claim by id: its line comes near the end of the export, long after the point
    // where a client that stops reading stalls it.
    let id: String = sqlx::query_scalar("select id from claims order by id desc limit 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    let path = format!("/v1/claims/{id}");
    let before = app.request(reqwest::Method::GET, &path).await;
    let etag = before.headers()["etag"].to_str().unwrap().to_owned();
    let before = reply(before).await.body;

    let export = StalledExport::start(&app, "/v1/export").await;
    assert_eq!(export.status_line(), "http/1.1 200 ok");
    let pinned: i64 = export
        .header("durand-dataset-version")
        .unwrap()
        .parse()
        .unwrap();

    let note = "Changed while an export was being downloaded.";
    let patched = app
        .client
        .patch(format!("{}{path}", app.base))
        .bearer_auth(&token)
        .header("If-Match", &etag)
        .header("Content-Type", "application/json")
        .body(json!({"status_note": note}).to_string())
        .send()
        .await
        .unwrap();
    let patched = reply(patched).await;
    assert_eq!(patched.status, 200, "{}", patched.body);
    assert_eq!(
        patched.headers["durand-dataset-version"],
        &(pinned + 1).to_string()
    );

    let body = export.finish().await;
    let lines = export_records(&body);
    let line = lines
        .iter()
        .find(|l| l["type"] == "claim" && l["data"]["id"] == id.as_str())
        .unwrap();
    assert_ne!(line["data"]["status_note"], note);
    for (field, value) in line["data"].as_object().unwrap() {
        assert_eq!(
            &before[field], value,
            "`{field}` as it was before the write"
        );
    }
    // The whole body is the pinned version, byte for byte.
    let past = app
        .request(reqwest::Method::GET, &format!("/v1/export?as_of={pinned}"))
        .await;
    assert_eq!(past.status(), 200);
    assert_eq!(past.text().await.unwrap(), body);

    // A new export starts at the new version, and has the change.
    let now = app.request(reqwest::Method::GET, "/v1/export").await;
    assert_eq!(
        now.headers()["durand-dataset-version"],
        &(pinned + 1).to_string()
    );
    let lines = export_records(&now.text().await.unwrap());
    let line = lines
        .iter()
        .find(|l| l["type"] == "claim" && l["data"]["id"] == id.as_str())
        .unwrap();
    assert_eq!(line["data"]["status_note"], note);
}

/// One line as the export writes it.
fn line<T: Serialize>(kind: &str, data: &T) -> String {
    format!(
        "{{\"type\":\"{kind}\",\"data\":{}}}\n",
        serde_json::to_string(data).unwrap()
    )
}

#[sqlx::test]
async fn an_export_in_chunks_is_the_whole_dataset_line_by_line_then_the_end_line(pool: PgPool) {
    let app = TestApp::spawn_with(pool.clone(), settings()).await;
    let dataset = store::dataset::export(&store::Reader::current(pool))
        .await
        .unwrap()
        .unwrap();
    let mut expected = line("dataset", &dataset.meta);
    expected.extend(dataset.sources.iter().map(|r| line("source", r)));
    expected.extend(dataset.actors.iter().map(|r| line("actor", r)));
    expected.extend(dataset.incidents.iter().map(|r| line("incident", r)));
    expected.extend(dataset.claims.iter().map(|r| line("claim", r)));
    expected.extend(
        dataset
            .force_figures
            .iter()
            .map(|r| line("force_figure", r)),
    );
    let count = expected.lines().count();
    expected.push_str(&format!("{{\"type\":\"end\",\"count\":{count}}}\n"));

    let r = app.request(reqwest::Method::GET, "/v1/export").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), expected);
}

/// Asserts `r` is a 503 problem that no cache may keep, with no validators.
async fn assert_unavailable(r: reqwest::Response) {
    assert!(r.headers().get("etag").is_none(), "{:?}", r.headers());
    assert!(r.headers().get("last-modified").is_none());
    assert_eq!(r.headers()["cache-control"], "no-store");
    reply(r).await.assert_problem(503);
}

#[sqlx::test]
async fn an_export_while_the_database_is_down_is_a_503_problem_not_a_200(pool: PgPool) {
    let serving = store::connect_serving(
        pool.connect_options().as_ref().clone(),
        2,
        &WaitSettings::default(),
    );
    let app = TestApp::spawn_with(serving.clone(), settings()).await;
    // Served once, so the server holds a recent dataset stamp (what the headers are made of).
    let first = app.request(reqwest::Method::GET, "/v1/export").await;
    assert_eq!(first.status(), 200);
    export_records(&first.text().await.unwrap());

    serving.close().await;
    assert_unavailable(app.request(reqwest::Method::GET, "/v1/export").await).await;
    assert_unavailable(
        app.request(reqwest::Method::GET, "/v1/export?as_of=1")
            .await,
    )
    .await;
}

#[tokio::test]
async fn an_export_from_a_database_that_cannot_be_reached_is_a_503_problem() {
    // A port nothing listens on any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let options = sqlx::postgres::PgConnectOptions::new()
        .host("127.0.0.1")
        .port(port)
        .username("postgres")
        .database("durand");
    let app = TestApp::serve(store::connect_serving(options, 2, &WaitSettings::default()));
    assert_unavailable(app.request(reqwest::Method::GET, "/v1/export").await).await;
}

/// The ids in the first column of a CSV body, in order, without the header row.
fn csv_ids(body: &str) -> Vec<String> {
    csv::Reader::from_reader(body.as_bytes())
        .records()
        .map(|r| r.unwrap()[0].to_owned())
        .collect()
}

#[sqlx::test]
async fn a_csv_download_without_limit_is_every_record_at_the_version_it_started_at(pool: PgPool) {
    load_synthetic(&pool).await;
    let app = serve_with_small_buffers(pool.clone());
    let (token, _) = keys::create(&pool, "editor", Scope::Write).await.unwrap();
    let total = app.get_ok("/v1/incidents?count=true&limit=1").await["meta"]["total"]
        .as_u64()
        .unwrap();
    // The last incident by id: its row comes long after the point where the download stalls.
    let id: String = sqlx::query_scalar("select id from incidents order by id desc limit 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    let path = format!("/v1/incidents/{id}");
    let before = app.request(reqwest::Method::GET, &path).await;
    let etag = before.headers()["etag"].to_str().unwrap().to_owned();

    let download = StalledExport::start(&app, "/v1/incidents?format=csv&sort=id").await;
    assert_eq!(download.status_line(), "http/1.1 200 ok");
    assert_eq!(
        download.header("link"),
        None,
        "a whole download has no next page"
    );
    let pinned: i64 = download
        .header("durand-dataset-version")
        .unwrap()
        .parse()
        .unwrap();
    let summary = "Changed while a CSV was being downloaded.";
    let patched = app
        .client
        .patch(format!("{}{path}", app.base))
        .bearer_auth(&token)
        .header("If-Match", &etag)
        .header("Content-Type", "application/merge-patch+json")
        .body(json!({"summary": summary}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(reply(patched).await.status, 200);

    let body = download.finish().await;
    let ids = csv_ids(&body);
    assert_eq!(ids.len() as u64, total, "every incident, one row each");
    assert_eq!(ids.last(), Some(&id));
    assert!(
        !body.contains(summary),
        "a write after the start is not in it"
    );
    // Byte for byte the pinned version, and the same rows a client paging through gets.
    let past = app
        .request(
            reqwest::Method::GET,
            &format!("/v1/incidents?format=csv&sort=id&as_of={pinned}"),
        )
        .await;
    assert_eq!(past.text().await.unwrap(), body);
    let paged: Vec<String> = app
        .walk(&format!("/v1/incidents?sort=id&as_of={pinned}"), 37)
        .await
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(paged, ids);
    // With `limit`, CSV is a page again, with its `Link` to the next one.
    let page = app.get("/v1/incidents?format=csv&sort=id&limit=5").await;
    assert_eq!(csv_ids(page.body.as_str().unwrap()).len(), 5);
    assert!(page.headers.contains_key("link"));
}

#[sqlx::test]
async fn geojson_and_filtered_downloads_hold_every_matching_record(pool: PgPool) {
    load_synthetic(&pool).await;
    let app = serve_with_small_buffers(pool.clone());
    let whole = app
        .get_with_header("/v1/incidents", "Accept", "application/geo+json")
        .await;
    assert_eq!(whole.status(), 200);
    assert_eq!(whole.headers()["content-type"], "application/geo+json");
    let whole: serde_json::Value = whole.json().await.unwrap();
    // One page of 500 holds the same collection (the synthetic data has 200 incidents).
    let page = app.get_ok("/v1/incidents?format=geojson&limit=500").await;
    assert_eq!(whole["type"], "FeatureCollection");
    assert!(whole["features"].as_array().unwrap().len() > 50);
    assert_eq!(whole["features"], page["features"]);

    // Filters apply to every chunk.
    let actor: String = sqlx::query_scalar(
        "select claimant_id from claims group by claimant_id order by count(*) desc limit 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let r = app
        .get(&format!("/v1/claims?format=csv&claimant={actor}&sort=id"))
        .await;
    let mut ids = csv_ids(r.body.as_str().unwrap());
    ids.dedup(); // one row per figure
    let expected: Vec<String> = app
        .walk(&format!("/v1/claims?claimant={actor}&sort=id"), 50)
        .await
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(expected.len() > 20, "{}", expected.len());
    assert_eq!(ids, expected);
}

#[sqlx::test]
async fn a_month_in_csv_stays_a_month_in_a_spreadsheet(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let r = app.get("/v1/incidents?format=csv").await;
    let mut reader = csv::Reader::from_reader(r.body.as_str().unwrap().as_bytes());
    let header = reader.headers().unwrap().clone();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (date, precision, start, end) = (
        column("date"),
        column("date_precision"),
        column("date_start"),
        column("date_end"),
    );
    let mut months = 0;
    for row in reader.records() {
        let row = row.unwrap();
        if &row[precision] == "month" {
            months += 1;
            // `2025-10-XX`, never `2025-10`, which spreadsheets read as 1 October 2025.
            let month = row[date].strip_suffix("-XX").expect("an unspecified day");
            assert_eq!(month.len(), 7, "{}", &row[date]);
            assert_eq!(&row[start], format!("{month}-01"));
            assert!(row[end].starts_with(month) && row[end].len() == 10);
        } else {
            assert!(!row[date].contains('X'), "{}", &row[date]);
        }
    }
    assert!(
        months >= 1,
        "the bundled data has a month-precision incident"
    );
    // JSON keeps the date as stated.
    let json = app.get_ok("/v1/incidents?limit=500").await;
    assert!(
        json["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["date"]["precision"] == "month"
                && !i["date"]["value"].as_str().unwrap().contains('X'))
    );
}

#[sqlx::test]
async fn downloads_of_one_url_in_two_formats_have_their_own_etags(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let csv = app
        .get_with_header("/v1/incidents", "Accept", "text/csv")
        .await;
    let geojson = app
        .get_with_header("/v1/incidents", "Accept", "application/geo+json")
        .await;
    let (csv_tag, geojson_tag) = (
        csv.headers()["etag"].to_str().unwrap().to_owned(),
        geojson.headers()["etag"].to_str().unwrap().to_owned(),
    );
    assert_ne!(csv_tag, geojson_tag);
    let again = app
        .client
        .get(format!("{}/v1/incidents", app.base))
        .header("Accept", "text/csv")
        .header("If-None-Match", &csv_tag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
}
