//! Calls every GET operation of the Durand API through the Rust client that openapi-generator
//! (`-g rust`, library reqwest, default settings) generated from openapi/openapi.json, against a
//! live server, and checks what comes back, decoded into the client's models. Each operation is
//! called without as_of; those that take it are called again with as_of as a version (1) and as
//! an RFC 3339 time (the current version's `changed_at`, from /v1/dataset), and each such request
//! must have gone out with as_of in its query string as given (not quoted, not encoded twice) and
//! have been answered from that version.
//!
//! The client hands back decoded models only, no status or headers: it is pointed at a small
//! recording proxy in this program (plain TCP, one connection a request), which forwards to the
//! server and keeps each request's target and each response's status and headers, as the Go
//! program's RoundTripper does.
//!
//! Usage: durand-contract-check BASE_URL SPEC (clients/rust/run.sh). Exits non-zero when a check
//! fails, or when the spec has a GET operation this program does not call, so a new read cannot
//! go unexercised.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use openapi::apis::configuration::{Client, Configuration};
use openapi::apis::{
    actors_api, claims_api, dataset_api, force_figures_api, health_api, history_api,
    incidents_api, meta_api, search_api, sources_api, timeline_api, Error,
};
use openapi::models;
use openapi::models::{
    ActorKind, ActorRole, ClaimKind, ClaimSort, DatePrecision, ForceMetric, IncidentSort,
    Operation, Qualifier, Resource, SearchHitType, SourceKind, TimelineEntryType,
};

const CLAIM133: &str = "pakistan-claims-133-taliban-killed";

fn counts() -> BTreeMap<&'static str, i64> {
    BTreeMap::from([("actors", 16), ("sources", 3), ("claims", 28), ("incidents", 10), ("force_figures", 10)])
}

type Check = Result<(), String>;

/// Fails the operation unless the condition holds.
macro_rules! check {
    ($ok:expr, $($fmt:tt)+) => {
        if !$ok {
            return Err(format!("{} (line {})", format!($($fmt)+), line!()));
        }
    };
}

/// Fails the operation unless got == want.
macro_rules! eq {
    ($got:expr, $want:expr, $what:expr) => {
        match (&$got, &$want) {
            (got, want) => {
                if got != want {
                    return Err(format!("{}: {:?}, not {:?} (line {})", $what, got, want, line!()));
                }
            }
        }
    };
}

/// The value of a call, or the operation fails on a transport, status or decoding error.
macro_rules! must {
    ($result:expr) => {
        match $result {
            Ok(v) => v,
            Err(e) => return Err(format!("{} (line {})", Describe::describe(&e), line!())),
        }
    };
}

/// An RFC 9457 problem with the status, decoded into the client's Problem model.
macro_rules! problem {
    ($rec:expr, $status:expr, $result:expr) => {
        match problem($rec, $status, $result) {
            Ok(p) => p,
            Err(e) => return Err(format!("{} (line {})", e, line!())),
        }
    };
}

trait Describe {
    fn describe(&self) -> String;
}

impl<T: Debug> Describe for Error<T> {
    fn describe(&self) -> String {
        match self {
            Error::ResponseError(r) => format!("status {}: {}", r.status, cut(&r.content)),
            e => e.to_string(),
        }
    }
}

impl Describe for String {
    fn describe(&self) -> String {
        self.clone()
    }
}

impl Describe for serde_json::Error {
    fn describe(&self) -> String {
        self.to_string()
    }
}

fn cut(s: &str) -> String {
    match s.char_indices().nth(300) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s.to_string(),
    }
}

/// A value as it is on the wire: an enum's JSON string.
fn wire<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(e) => format!("<{e}>"),
    }
}

/// A partial date's first day as text; an open start sorts before every date.
fn first_day(d: &models::PartialDate) -> String {
    d.start.flatten().map(|d| d.to_string()).unwrap_or_default()
}

fn is_sorted<T: PartialOrd>(xs: &[T]) -> bool {
    xs.windows(2).all(|w| w[0] <= w[1])
}

// ---- The recording proxy ----

/// One request the client sent and the server's answer to it.
#[derive(Clone, Debug)]
struct Exchange {
    target: String,
    status: u16,
    headers: Vec<(String, String)>,
}

impl Exchange {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<Exchange>>>);

impl Recorder {
    fn len(&self) -> usize {
        self.0.lock().unwrap().len()
    }
    fn since(&self, n: usize) -> Vec<Exchange> {
        self.0.lock().unwrap()[n..].to_vec()
    }
    fn last(&self) -> Option<Exchange> {
        self.0.lock().unwrap().last().cloned()
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Listens on a free port of 127.0.0.1 and relays each connection to upstream (host:port);
/// returns the base URL to give the client.
fn start_proxy(upstream: String, rec: Recorder) -> io::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let base = format!("http://{}", listener.local_addr()?);
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            let (upstream, rec) = (upstream.clone(), rec.clone());
            std::thread::spawn(move || {
                if let Err(e) = relay(conn, &upstream, &rec) {
                    eprintln!("proxy: {e}");
                }
            });
        }
    });
    Ok(base)
}

/// Relays one request (asking the server to close the connection after it) and its response.
fn relay(mut client: TcpStream, upstream: &str, rec: &Recorder) -> io::Result<()> {
    let mut buf = Vec::new();
    let head_end = loop {
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i + 4;
        }
        let mut chunk = [0u8; 8192];
        let n = client.read(&mut chunk)?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default().to_string();
    let target = request_line.split(' ').nth(1).unwrap_or_default().to_string();
    let mut out = format!("{request_line}\r\nhost: {upstream}\r\nconnection: close\r\n");
    for line in lines.filter(|l| !l.is_empty()) {
        let name = line.split(':').next().unwrap_or_default().trim().to_ascii_lowercase();
        if name != "host" && name != "connection" {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    out.push_str("\r\n");
    let mut server = TcpStream::connect(upstream)?;
    server.write_all(out.as_bytes())?;
    server.write_all(&buf[head_end..])?; // a body, if any (every call here is a GET)
    let mut response = Vec::new();
    server.read_to_end(&mut response)?;

    let end = find(&response, b"\r\n\r\n").map_or(response.len(), |i| i + 4);
    let rhead = String::from_utf8_lossy(&response[..end]).into_owned();
    let mut rlines = rhead.split("\r\n");
    let status_line = rlines.next().unwrap_or_default();
    let status = status_line.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut headers = Vec::new();
    let mut new_head = format!("{status_line}\r\n");
    for line in rlines.filter(|l| !l.is_empty()) {
        if let Some((name, value)) = line.split_once(':') {
            let name = name.trim().to_ascii_lowercase();
            if name == "connection" {
                continue;
            }
            headers.push((name, value.trim().to_string()));
        }
        new_head.push_str(line);
        new_head.push_str("\r\n");
    }
    new_head.push_str("connection: close\r\n\r\n");
    rec.0.lock().unwrap().push(Exchange { target, status, headers });
    client.write_all(new_head.as_bytes())?;
    client.write_all(&response[end..])?;
    let _ = client.shutdown(Shutdown::Write);
    Ok(())
}

// ---- Checks ----

/// Asserts that result is an RFC 9457 problem with status, decoded into the client's Problem.
fn problem<T, E: Debug>(rec: &Recorder, status: u16, result: Result<T, Error<E>>) -> Result<models::Problem, String> {
    let rc = match result {
        Err(Error::ResponseError(rc)) => rc,
        Err(e) => return Err(format!("not an API error ({}), expected {status}", e.describe())),
        Ok(_) => return Err(format!("a success, expected {status}")),
    };
    if rc.status.as_u16() != status {
        return Err(format!("status {}, not {status}: {}", rc.status, cut(&rc.content)));
    }
    let ct = rec.last().and_then(|x| x.header("content-type").map(str::to_string));
    if ct.as_deref() != Some("application/problem+json") {
        return Err(format!("content-type {ct:?}"));
    }
    // The client's typed error: an untagged enum of the documented statuses, each a Problem (the
    // first variant that decodes is taken, so its name need not be the status).
    match &rc.entity {
        Some(e) if !format!("{e:?}").starts_with("UnknownValue") => {}
        e => return Err(format!("error entity not decoded as a Problem: {e:?}")),
    }
    let p: models::Problem = serde_json::from_str(&rc.content).map_err(|e| format!("Problem: {e}"))?;
    if p.status != status as i32 || p.title.is_empty() || p.detail.is_empty() || p.r#type.is_empty() {
        return Err(format!("problem {p:?}"));
    }
    Ok(p)
}

fn first_parameter(p: &models::Problem) -> Option<String> {
    p.errors.as_ref()?.first()?.parameter.clone().flatten()
}

struct Checks {
    gets: BTreeMap<String, bool>, // the spec's GET operations: operationId to whether it takes as_of
    called: BTreeSet<String>,
    called_as_of: BTreeSet<String>,
    failed: BTreeMap<String, String>,
    rec: Recorder,
    time: String,
}

impl Checks {
    /// Runs call without as_of and, if the operation takes it, with both forms of it.
    async fn op<F: AsyncFn(Option<&str>) -> Check>(&mut self, id: &str, call: F) {
        self.called.insert(id.to_string());
        let mut forms = vec![None];
        if self.gets.get(id) == Some(&true) {
            self.called_as_of.insert(id.to_string());
            forms.push(Some("1".to_string()));
            forms.push(Some(self.time.clone()));
        }
        for as_of in forms {
            let key = match &as_of {
                None => id.to_string(),
                Some(a) => format!("{id} with as_of={a}"),
            };
            let before = self.rec.len();
            let result = match call(as_of.as_deref()).await {
                Ok(()) => self.sent(before, as_of.as_deref()),
                Err(e) => Err(e),
            };
            if let Err(e) = result {
                self.failed.entry(key).or_insert(e);
            }
        }
    }

    /// Each request since before carried as_of exactly as given (or none), and a 200 to
    /// as_of=1 came from version 1.
    fn sent(&self, before: usize, as_of: Option<&str>) -> Check {
        let mine = self.rec.since(before);
        check!(!mine.is_empty(), "no request went out");
        for x in mine {
            let url = url::Url::parse(&format!("http://server{}", x.target)).map_err(|e| format!("{}: {e}", x.target))?;
            let sent: Vec<String> = url.query_pairs().filter(|(k, _)| k == "as_of").map(|(_, v)| v.into_owned()).collect();
            match as_of {
                None => check!(sent.is_empty(), "as_of sent though not given: {}", x.target),
                Some(a) => {
                    eq!(sent, vec![a.to_string()], format!("as_of sent in {}", x.target));
                    if a == "1" && x.status == 200 {
                        eq!(x.header("durand-dataset-version"), Some("1"), "version that answered as_of=1");
                    }
                }
            }
        }
        Ok(())
    }
}

/// What every variant of a change-feed entry holds.
#[derive(Debug)]
struct Change {
    operation: Operation,
    id: String,
    record_id: Option<String>,
    tombstone: bool,
}

fn change_of(c: &models::FeedChange) -> Change {
    macro_rules! of {
        ($c:expr) => {
            Change {
                operation: $c.operation,
                id: $c.id.clone(),
                record_id: $c.record.clone().flatten().map(|r| r.id),
                tombstone: $c.tombstone.clone().flatten().is_some(),
            }
        };
    }
    match c {
        models::FeedChange::Sources(c) => of!(c),
        models::FeedChange::Actors(c) => of!(c),
        models::FeedChange::Incidents(c) => of!(c),
        models::FeedChange::Claims(c) => of!(c),
        models::FeedChange::ForceFigures(c) => of!(c),
    }
}

fn line_kind(l: &models::ExportLine) -> &'static str {
    match l {
        models::ExportLine::Dataset(_) => "dataset",
        models::ExportLine::Source(_) => "source",
        models::ExportLine::Actor(_) => "actor",
        models::ExportLine::Incident(_) => "incident",
        models::ExportLine::Claim(_) => "claim",
        models::ExportLine::ForceFigure(_) => "force_figure",
        models::ExportLine::End(_) => "end",
    }
}

async fn run(c: &mut Checks, cfg: &Configuration, spec: &serde_json::Value) {
    let rec = c.rec.clone();
    let rec = &rec;
    let n = counts();
    let n = &n;

    c.op("get_dataset", async |as_of: Option<&str>| -> Check {
        let info = must!(dataset_api::get_dataset(cfg, as_of, None, None).await);
        eq!(info.licence.as_str(), "CC-BY-4.0", "licence");
        let k = &info.counts;
        eq!(BTreeMap::from([("actors", k.actors), ("sources", k.sources), ("claims", k.claims),
            ("incidents", k.incidents), ("force_figures", k.force_figures)]), n.clone(), "counts");
        check!(info.citation.contains("Durand"), "citation {:?}", info.citation);
        if as_of == Some("1") {
            eq!(info.version, 1, "version");
        }
        Ok(())
    })
    .await;

    c.op("export", async |as_of: Option<&str>| -> Check {
        // The client takes application/x-ndjson for JSON (an application/ type containing
        // "json") and decodes the whole body as one ExportLine: after the first line it meets
        // the second, a syntax error ("trailing characters"). Checked after the lines below.
        let whole = dataset_api::export(cfg, as_of, None, None).await;
        let x = rec.last().ok_or("no response")?;
        eq!(x.status, 200, "status");
        let ct = x.header("content-type").unwrap_or_default();
        check!(ct.starts_with("application/x-ndjson"), "content-type {ct:?}");
        // So the body is fetched with the client's own reqwest client, through the proxy.
        let mut u = must!(url::Url::parse(&format!("{}/v1/export", cfg.base_path)).map_err(|e| e.to_string()));
        if let Some(a) = as_of {
            u.query_pairs_mut().append_pair("as_of", a);
        }
        let res = must!(cfg.client.get(u.as_str()).send().await.map_err(|e| e.to_string()));
        eq!(res.status().as_u16(), 200, "status");
        let body = must!(res.text().await.map_err(|e| e.to_string()));
        // Each line decoded into the client's ExportLine (a oneOf by type).
        let mut kinds = BTreeMap::new();
        let mut last = None;
        let mut lines = 0;
        for line in body.lines().filter(|l| !l.is_empty()) {
            lines += 1;
            let l: models::ExportLine = match serde_json::from_str(line) {
                Ok(l) => l,
                Err(e) => return Err(format!("line {lines} as ExportLine: {e}: {}", line.chars().take(60).collect::<String>())),
            };
            *kinds.entry(line_kind(&l)).or_insert(0i64) += 1;
            match &l {
                models::ExportLine::Claim(cl) => check!(!cl.data.claimant.is_empty(), "a claim line without claimant"),
                models::ExportLine::ForceFigure(f) => check!(!f.data.actor.is_empty(), "a figure line without actor"),
                _ => {}
            }
            last = Some(l);
        }
        let mut want: BTreeMap<&str, i64> = BTreeMap::from([("dataset", 1), ("end", 1)]);
        for (k, v) in [("actor", "actors"), ("source", "sources"), ("claim", "claims"), ("incident", "incidents"), ("force_figure", "force_figures")] {
            want.insert(k, n[v]);
        }
        eq!(kinds, want, "lines by type");
        match last {
            Some(models::ExportLine::End(end)) => eq!(end.count, lines - 1, "the end line's count"),
            other => check!(false, "the last line {other:?}"),
        }
        match whole {
            Err(Error::Serde(e)) if e.is_syntax() => {}
            Ok(line) => check!(false, "the client decoded the export as one value: {}", line_kind(&line)),
            Err(e) => must!(Err::<(), _>(e)),
        }
        Ok(())
    })
    .await;

    c.op("get_openapi", async |_: Option<&str>| -> Check {
        let served = must!(meta_api::get_openapi(cfg, None, None).await);
        check!(&served == spec, "the served spec differs from DURAND_SPEC");
        Ok(())
    })
    .await;

    c.op("healthz", async |_: Option<&str>| -> Check {
        let h = must!(health_api::healthz(cfg).await);
        eq!(h.status.as_str(), "ok", "status");
        Ok(())
    })
    .await;

    c.op("readyz", async |_: Option<&str>| -> Check {
        let h = must!(health_api::readyz(cfg).await);
        eq!(h.status.as_str(), "ready", "status");
        Ok(())
    })
    .await;

    c.op("list_actors", async |as_of: Option<&str>| -> Check {
        let page = must!(actors_api::list_actors(cfg, None, None, None, Some(true), None, Some(500), None, as_of, None, None).await);
        eq!(page.meta.total.flatten(), Some(n["actors"]), "total");
        eq!(page.data.len() as i64, n["actors"], "actors");
        let ids: Vec<&str> = page.data.iter().map(|a| a.id.as_str()).collect();
        check!(is_sorted(&ids), "order {ids:?}");
        let states = must!(actors_api::list_actors(cfg, Some(ActorKind::ACTOR_KIND_STATE), Some("PK"), None, None, None, None, None, as_of, None, None).await);
        check!(states.data.len() == 1 && states.data[0].id == "pakistan", "states in PK: {}", states.data.len());
        let p = problem!(rec, 400, actors_api::list_actors(cfg, None, None, None, None, None, Some(0), None, as_of, None, None).await);
        eq!(first_parameter(&p).as_deref(), Some("limit"), "parameter");
        Ok(())
    })
    .await;

    c.op("get_actor", async |as_of: Option<&str>| -> Check {
        let ttp = must!(actors_api::get_actor(cfg, "ttp", as_of, None, None).await);
        eq!(ttp.name.as_str(), "Tehreek-e-Taliban Pakistan", "name");
        check!(ttp.aliases.iter().any(|a| a == "Pakistani Taliban"), "aliases {:?}", ttp.aliases);
        eq!(ttp.kind, ActorKind::ACTOR_KIND_ARMED_GROUP, "kind");
        let founded = ttp.founded.clone().flatten().ok_or("no founded")?;
        eq!(founded.value.as_str(), "2007", "founded");
        eq!(founded.precision, DatePrecision::DATE_PRECISION_YEAR, "precision");
        problem!(rec, 404, actors_api::get_actor(cfg, "no-such-actor", as_of, None, None).await);
        Ok(())
    })
    .await;

    c.op("list_actor_claims", async |as_of: Option<&str>| -> Check {
        let page = must!(actors_api::list_actor_claims(cfg, "pakistan", None, None, None, None, None, None, None, Some(500), None, as_of, None, None).await);
        check!(!page.data.is_empty(), "no claims");
        for cl in &page.data {
            eq!(cl.claimant.as_str(), "pakistan", "claimant");
        }
        check!(page.data.iter().any(|cl| cl.id == CLAIM133), "no {CLAIM133}");
        let p = problem!(rec, 400, actors_api::list_actor_claims(cfg, "pakistan", None, None, Some("yesterday"), None, None, None, None, None, None, as_of, None, None).await);
        eq!(first_parameter(&p).as_deref(), Some("from"), "parameter");
        Ok(())
    })
    .await;

    c.op("list_actor_incidents", async |as_of: Option<&str>| -> Check {
        let page = must!(actors_api::list_actor_incidents(cfg, "ttp", None, None, None, Some(IncidentSort::INCIDENT_SORT_DATE_DESC), None, None, None, None, as_of, None, None).await);
        check!(!page.data.is_empty(), "no incidents");
        let mut dates: Vec<String> = page.data.iter().map(|i| first_day(&i.date)).collect();
        for i in &page.data {
            check!(i.actors.iter().any(|a| a.actor == "ttp"), "{} without ttp", i.id);
        }
        dates.reverse();
        check!(is_sorted(&dates), "order {dates:?}");
        Ok(())
    })
    .await;

    c.op("list_actor_force_figures", async |as_of: Option<&str>| -> Check {
        let page = must!(actors_api::list_actor_force_figures(cfg, "afghan-taliban", Some(ForceMetric::FORCE_METRIC_ACTIVE_PERSONNEL), None, None, None, None, None, None, as_of, None, None).await);
        eq!(page.data.len(), 1, "figures");
        let fig = &page.data[0];
        eq!((fig.value.flatten(), fig.qualifier, fig.claimant.as_str()), (Some(172000), Qualifier::QUALIFIER_EXACT, "press-reports"), "figure");
        eq!(fig.as_of.value.as_str(), "../2026-02-27", "as_of");
        check!(fig.as_of.start.flatten().is_none(), "as_of start {:?}", fig.as_of.start);
        Ok(())
    })
    .await;

    c.op("list_sources", async |as_of: Option<&str>| -> Check {
        let page = must!(sources_api::list_sources(cfg, None, None, Some(true), None, None, None, as_of, None, None).await);
        eq!(page.meta.total.flatten(), Some(n["sources"]), "total");
        let think = must!(sources_api::list_sources(cfg, Some(SourceKind::SOURCE_KIND_THINK_TANK), None, None, None, None, None, as_of, None, None).await);
        check!(think.data.len() == 1 && think.data[0].id == "iiss-2025", "think tanks: {}", think.data.len());
        Ok(())
    })
    .await;

    c.op("get_source", async |as_of: Option<&str>| -> Check {
        let src = must!(sources_api::get_source(cfg, "iiss-2025", as_of, None, None).await);
        eq!(src.kind, SourceKind::SOURCE_KIND_THINK_TANK, "kind");
        eq!(src.cited_in.clone().flatten().as_deref(), Some("explainer-2026-02-27"), "cited_in");
        problem!(rec, 404, sources_api::get_source(cfg, "no-such-source", as_of, None, None).await);
        Ok(())
    })
    .await;

    c.op("list_claims", async |as_of: Option<&str>| -> Check {
        // Two pages of 20 with the cursor cover all 28 claims, in order.
        let first = must!(claims_api::list_claims(cfg, None, None, None, None, None, None, None, None, None, Some(true), None, Some(20), None, as_of, None, None).await);
        eq!(first.meta.total.flatten(), Some(n["claims"]), "total");
        eq!(first.meta.count, 20, "count");
        let cursor = first.meta.next_cursor.clone().flatten().unwrap_or_default();
        check!(!cursor.is_empty(), "no next cursor");
        let second = must!(claims_api::list_claims(cfg, None, None, None, None, None, None, None, None, None, None, None, Some(20), Some(&cursor), as_of, None, None).await);
        eq!(second.meta.count, 8, "second page");
        check!(second.meta.next_cursor.clone().flatten().is_none(), "a next cursor after the last page");
        let starts: Vec<String> = first.data.iter().chain(&second.data).map(|cl| first_day(&cl.made_at)).collect();
        check!(is_sorted(&starts), "order {starts:?}");
        let casualties = must!(claims_api::list_claims(cfg, Some("pakistan"), None, Some(ClaimKind::CLAIM_KIND_CASUALTIES), None, None, None, None, None, None, None, None, None, None, as_of, None, None).await);
        check!(casualties.data.iter().any(|cl| cl.id == CLAIM133), "no {CLAIM133}");
        let soldiers = must!(claims_api::list_claims(cfg, None, None, None, None, None, None, None, Some("soldiers"), Some(ClaimSort::CLAIM_SORT_ID), None, None, None, None, as_of, None, None).await);
        check!(!soldiers.data.is_empty(), "no claim about soldiers");
        for cl in &soldiers.data {
            check!(!cl.attribution.clone().flatten().unwrap_or_default().is_empty(), "{} without attribution", cl.id);
        }
        let p = problem!(rec, 400, claims_api::list_claims(cfg, None, None, None, None, None, None, None, None, None, None, None, Some(0), None, as_of, None, None).await);
        eq!(first_parameter(&p).as_deref(), Some("limit"), "parameter");
        eq!(p.r#type.as_str(), "urn:durand:problem:invalid-parameter", "problem type");
        Ok(())
    })
    .await;

    c.op("get_claim", async |as_of: Option<&str>| -> Check {
        let claim = must!(claims_api::get_claim(cfg, CLAIM133, as_of, None, None).await);
        let etag = rec.last().and_then(|x| x.header("etag").map(str::to_string)).ok_or("no ETag")?;
        eq!(claim.claimant.as_str(), "pakistan", "claimant");
        eq!(claim.about.clone(), vec!["afghan-taliban".to_string()], "about");
        eq!(claim.kind, ClaimKind::CLAIM_KIND_CASUALTIES, "kind");
        let spokesperson = claim.spokesperson.clone().flatten().ok_or("no spokesperson")?;
        eq!(spokesperson.name.flatten().as_deref(), Some("Mosharraf Zaidi"), "spokesperson");
        eq!(claim.made_at.value.as_str(), "2026-02-27", "made_at");
        let figs: Vec<(&str, Option<i64>, Qualifier)> = claim.figures.iter().map(|f| (f.metric.as_str(), f.value.flatten(), f.qualifier)).collect();
        eq!(figs, vec![
            ("killed", Some(133), Qualifier::QUALIFIER_AT_LEAST),
            ("wounded", Some(200), Qualifier::QUALIFIER_MORE_THAN),
            ("casualties_estimated", None, Qualifier::QUALIFIER_UNQUANTIFIED),
        ], "figures");
        let attribution = claim.attribution.clone().flatten().unwrap_or_default();
        check!(attribution.contains("not independently verified"), "attribution {attribution:?}");
        // A conditional repeat is a bodiless 304 (an error: the client decodes no empty body).
        let again = claims_api::get_claim(cfg, CLAIM133, as_of, Some(&etag), None).await;
        let status = rec.last().map(|x| x.status);
        check!(again.is_err() && status == Some(304), "no 304: {status:?}");
        let p = problem!(rec, 404, claims_api::get_claim(cfg, "no-such-claim", as_of, None, None).await);
        check!(p.detail.contains("no-such-claim"), "detail {:?}", p.detail);
        Ok(())
    })
    .await;

    c.op("list_incidents", async |as_of: Option<&str>| -> Check {
        let page = must!(incidents_api::list_incidents(cfg, None, None, Some("2026-02"), Some("2026-02"), None, None, None, None, None, None, None, None, None, as_of, None, None).await);
        check!(page.data.iter().any(|i| i.id == "pakistan-strikes-on-taliban-2026-02-27"), "February's strikes missing");
        let boxed = must!(incidents_api::list_incidents(cfg, None, None, None, None, None, None, Some("65,31,66.5,32"), None, None, None, None, None, None, as_of, None, None).await);
        check!(!boxed.data.is_empty(), "nothing in the Kandahar box");
        let total = must!(incidents_api::list_incidents(cfg, None, None, None, None, None, None, None, None, None, Some(true), None, Some(1), None, as_of, None, None).await);
        eq!(total.meta.total.flatten(), Some(n["incidents"]), "total");
        problem!(rec, 400, incidents_api::list_incidents(cfg, None, None, None, None, None, None, Some("1,2,3"), None, None, None, None, None, None, as_of, None, None).await);
        Ok(())
    })
    .await;

    c.op("get_incident", async |as_of: Option<&str>| -> Check {
        let inc = must!(incidents_api::get_incident(cfg, "pakistan-strikes-on-taliban-2026-02-27", as_of, None, None).await);
        let claims = inc.claims.clone().unwrap_or_default();
        check!(claims.iter().any(|c| c == CLAIM133), "claims {claims:?}");
        let names: Vec<&str> = inc.locations.iter().map(|l| l.name.as_str()).collect();
        let mut actors: Vec<String> = inc.actors.iter().map(|a| format!("{}:{}", a.actor, wire(&a.role))).collect();
        actors.sort();
        eq!(names, vec!["Afghanistan", "Kabul", "Paktia", "Kandahar"], "locations");
        eq!(actors, vec!["afghan-taliban:target".to_string(), "pakistan:perpetrator".to_string()], "actors");
        check!(inc.actors.iter().any(|a| a.role == ActorRole::ACTOR_ROLE_PERPETRATOR), "no perpetrator");
        problem!(rec, 404, incidents_api::get_incident(cfg, "no-such-incident", as_of, None, None).await);
        Ok(())
    })
    .await;

    c.op("list_force_figures", async |as_of: Option<&str>| -> Check {
        let page = must!(force_figures_api::list_force_figures(cfg, Some("pakistan,afghan-taliban"), None, None, None, Some(true), None, None, None, as_of, None, None).await);
        eq!(page.meta.total.flatten(), Some(n["force_figures"]), "total");
        let pk = page.data.iter().find(|f| f.id == "pakistan-active-personnel-2025").ok_or("no pakistan-active-personnel-2025")?;
        eq!((pk.value.flatten(), pk.qualifier, pk.claimant.as_str()), (Some(600000), Qualifier::QUALIFIER_MORE_THAN, "iiss"), "figure");
        Ok(())
    })
    .await;

    c.op("get_force_figure", async |as_of: Option<&str>| -> Check {
        let fig = must!(force_figures_api::get_force_figure(cfg, "afghan-taliban-active-personnel-2025", as_of, None, None).await);
        eq!((fig.actor.as_str(), fig.value.flatten(), fig.qualifier), ("afghan-taliban", Some(172000), Qualifier::QUALIFIER_EXACT), "figure");
        check!(!fig.attribution.clone().flatten().unwrap_or_default().is_empty(), "no attribution");
        problem!(rec, 404, force_figures_api::get_force_figure(cfg, "no-such-figure", as_of, None, None).await);
        Ok(())
    })
    .await;

    c.op("force_comparison", async |as_of: Option<&str>| -> Check {
        let cmp = must!(force_figures_api::force_comparison(cfg, "pakistan,afghan-taliban", None, as_of, None, None).await);
        eq!(cmp.actors.clone(), vec!["pakistan".to_string(), "afghan-taliban".to_string()], "actors");
        let active = cmp.metrics.iter().find(|m| m.metric == ForceMetric::FORCE_METRIC_ACTIVE_PERSONNEL).ok_or("no active_personnel comparison")?;
        let ratio = active.ratio.clone().flatten().ok_or("no ratio")?;
        eq!((ratio.value, ratio.exact), (3.49, false), "ratio");
        let stated: Vec<&str> = active.stated.iter().map(|c| c.id.as_str()).collect();
        eq!(stated, vec!["source-compares-taliban-personnel-to-pakistan"], "stated");
        let p = problem!(rec, 400, force_figures_api::force_comparison(cfg, "pakistan", None, as_of, None, None).await);
        eq!(first_parameter(&p).as_deref(), Some("actors"), "parameter");
        Ok(())
    })
    .await;

    c.op("list_timeline", async |as_of: Option<&str>| -> Check {
        let page = must!(timeline_api::list_timeline(cfg, Some("2026-02"), None, Some("afghan-taliban"), None, Some(500), None, as_of, None, None).await);
        let types: BTreeSet<String> = page.data.iter().map(|e| wire(&e.r#type)).collect();
        eq!(types, BTreeSet::from(["claim".to_string(), "incident".to_string()]), "types");
        check!(page.data.iter().any(|e| e.r#type == TimelineEntryType::TIMELINE_ENTRY_TYPE_CLAIM), "no claim entry");
        let starts: Vec<String> = page.data.iter().map(|e| first_day(&e.date)).collect();
        check!(is_sorted(&starts), "order {starts:?}");
        Ok(())
    })
    .await;

    c.op("search", async |as_of: Option<&str>| -> Check {
        let page = must!(search_api::search(cfg, "Bajaur", None, None, None, None, as_of, None, None).await);
        let top = page.data.first().ok_or("no hits")?;
        eq!((top.r#type, top.id.as_str()), (SearchHitType::SEARCH_HIT_TYPE_INCIDENT, "bajaur-assault-2026"), "top hit");
        check!(top.snippet.contains("<mark>Bajaur</mark>"), "snippet {:?}", top.snippet);
        let ttp = must!(search_api::search(cfg, "\"Pakistani Taliban\"", Some(SearchHitType::SEARCH_HIT_TYPE_ACTOR), None, None, None, as_of, None, None).await);
        eq!(ttp.data.first().map(|h| h.url.as_str()), Some("/v1/actors/ttp"), "url");
        let p = problem!(rec, 400, search_api::search(cfg, " ", None, None, None, None, as_of, None, None).await);
        eq!(first_parameter(&p).as_deref(), Some("q"), "parameter");
        Ok(())
    })
    .await;

    c.op("list_revisions", async |as_of: Option<&str>| -> Check {
        let page = must!(history_api::list_revisions(cfg, Resource::RESOURCE_CLAIMS, CLAIM133, None, None, as_of, None, None).await);
        let first = page.data.first().ok_or("no revisions")?;
        eq!((first.operation, first.id.as_str(), first.author.as_str()), (Operation::OPERATION_CREATE, CLAIM133, "import"), "first revision");
        problem!(rec, 404, history_api::list_revisions(cfg, Resource::RESOURCE_CLAIMS, "no-such-claim", None, None, as_of, None, None).await);
        Ok(())
    })
    .await;

    c.op("list_changes", async |as_of: Option<&str>| -> Check {
        let page = must!(history_api::list_changes(cfg, Some(0), Some(5), None, as_of, None, None).await);
        eq!(page.data.len(), 5, "changes");
        check!(page.meta.next_cursor.clone().flatten().is_some(), "no next cursor");
        // The whole feed, page by page, each entry decoded into its variant (a oneOf by
        // resource): at version 1, the import's creates; after it, whatever earlier steps
        // wrote, deletes (a tombstone and no record) included.
        let mut ops: BTreeMap<String, i64> = BTreeMap::new();
        let mut cursor: Option<String> = None;
        loop {
            let page = must!(history_api::list_changes(cfg, Some(0), Some(500), cursor.as_deref(), as_of, None, None).await);
            for ch in &page.data {
                let c = change_of(ch);
                *ops.entry(wire(&c.operation)).or_default() += 1;
                if c.operation == Operation::OPERATION_DELETE {
                    check!(c.record_id.is_none() && c.tombstone, "a delete: {c:?}");
                } else {
                    check!(c.record_id.as_deref() == Some(c.id.as_str()) && !c.tombstone, "a change: {c:?}");
                }
            }
            cursor = page.meta.next_cursor.clone().flatten();
            if cursor.is_none() {
                break;
            }
        }
        if as_of == Some("1") {
            eq!(ops, BTreeMap::from([("create".to_string(), n.values().sum::<i64>())]), "changes at version 1");
        }
        Ok(())
    })
    .await;
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (base, spec_path) = match &args[..] {
        [_, base, spec] => (base.trim_end_matches('/').to_string(), spec.clone()),
        _ => {
            eprintln!("usage: durand-contract-check BASE_URL SPEC");
            std::process::exit(2);
        }
    };
    let spec: serde_json::Value = match std::fs::read_to_string(&spec_path).map_err(|e| e.to_string())
        .and_then(|s| serde_json::from_str(&s).map_err(|e| e.to_string())) {
        Ok(s) => s,
        Err(e) => {
            println!("contract: rust: {spec_path}: {e}");
            std::process::exit(2);
        }
    };
    let mut gets = BTreeMap::new();
    for item in spec["paths"].as_object().into_iter().flat_map(|p| p.values()) {
        if let Some(get) = item.get("get") {
            let takes_as_of = get["parameters"].as_array().into_iter().flatten().any(|p| p["name"] == "as_of");
            gets.insert(get["operationId"].as_str().unwrap_or_default().to_string(), takes_as_of);
        }
    }

    let rec = Recorder::default();
    let upstream = match url::Url::parse(&base) {
        Ok(u) if u.scheme() == "http" && u.host_str().is_some() => {
            format!("{}:{}", u.host_str().unwrap_or_default(), u.port_or_known_default().unwrap_or(80))
        }
        _ => {
            println!("contract: rust: BASE_URL {base:?} is not an http:// URL");
            std::process::exit(2);
        }
    };
    let proxy = start_proxy(upstream, rec.clone()).expect("the recording proxy");
    let mut cfg = Configuration::new();
    cfg.base_path = proxy;
    cfg.client = Client::builder().timeout(Duration::from_secs(30)).build().expect("a reqwest client");

    // as_of as a time: the current version's changed_at, as the server gave it.
    let time = match dataset_api::get_dataset(&cfg, None, None, None).await {
        Ok(info) => info.changed_at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        Err(e) => {
            println!("contract: rust: GET /v1/dataset: {}", e.describe());
            std::process::exit(1);
        }
    };
    let mut c = Checks {
        gets,
        called: BTreeSet::new(),
        called_as_of: BTreeSet::new(),
        failed: BTreeMap::new(),
        rec,
        time,
    };
    run(&mut c, &cfg, &spec).await;

    for (k, msg) in &c.failed {
        println!("FAIL {k}: {msg}");
    }
    let (mut plain, mut timed, mut with_as_of) = (0, 0, 0);
    for (id, takes_as_of) in &c.gets {
        if !c.called.contains(id) {
            println!("FAIL {id}: a GET operation of the spec that the check does not call");
            continue;
        }
        if !c.failed.contains_key(id) {
            plain += 1;
        }
        if *takes_as_of {
            with_as_of += 1;
            if c.called_as_of.contains(id)
                && !c.failed.contains_key(&format!("{id} with as_of=1"))
                && !c.failed.contains_key(&format!("{id} with as_of={}", c.time))
            {
                timed += 1;
            }
        }
    }
    let mut unknown = 0;
    for id in &c.called {
        if !c.gets.contains_key(id) {
            println!("FAIL {id}: called but not a GET operation of the spec");
            unknown += 1;
        }
    }
    println!(
        "contract: rust {plain}/{} GET operations called and passed without as_of, {timed}/{with_as_of} with as_of (a version, 1, and a time, {})",
        c.gets.len(),
        c.time
    );
    if plain != c.gets.len() || timed != with_as_of || unknown > 0 {
        std::process::exit(1);
    }
}
