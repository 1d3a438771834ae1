//! The framework's ceiling for `make bench`: a minimal actix-web server that answers each
//! request of the benchmark's mix with the exact bytes Durand served for it, from memory.
//!
//! Usage: `ceiling <addr> <manifest.json>`. The manifest lists `{"target": "/v1/...?...",
//! "file": "...", "content_type": "...", "etag": "..."}`; a request whose path and query equal
//! a target gets that file's bytes (or a 304 when `If-None-Match` names its ETag), anything
//! else a 404. Nothing else happens per request: no database, no middleware.

use std::collections::HashMap;
use std::sync::Arc;

use actix_web::http::header;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};

struct Canned {
    body: web::Bytes,
    content_type: String,
    etag: String,
}

type Table = Arc<HashMap<String, Canned>>;

async fn answer(req: HttpRequest, table: web::Data<Table>) -> HttpResponse {
    let target = match req.query_string() {
        "" => req.path().to_owned(),
        q => format!("{}?{q}", req.path()),
    };
    let Some(canned) = table.get(&target) else {
        return HttpResponse::NotFound().finish();
    };
    let matches = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == canned.etag.as_bytes());
    if matches {
        return HttpResponse::NotModified()
            .insert_header((header::ETAG, canned.etag.as_str()))
            .finish();
    }
    HttpResponse::Ok()
        .content_type(canned.content_type.as_str())
        .insert_header((header::ETAG, canned.etag.as_str()))
        .body(canned.body.clone())
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, addr, manifest] = args.as_slice() else {
        eprintln!("usage: ceiling <addr> <manifest.json>");
        std::process::exit(2);
    };
    let dir = std::path::Path::new(manifest)
        .parent()
        .unwrap_or(std::path::Path::new("."));
    let entries: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(manifest)?).map_err(std::io::Error::other)?;
    let mut table = HashMap::new();
    for e in entries {
        let text = |k: &str| e[k].as_str().unwrap_or_default().to_owned();
        let body = std::fs::read(dir.join(text("file")))?;
        table.insert(
            text("target"),
            Canned {
                body: body.into(),
                content_type: text("content_type"),
                etag: text("etag"),
            },
        );
    }
    let table: Table = Arc::new(table);
    HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(table.clone()))
            .default_service(web::to(answer))
    })
    .bind(addr)?
    .run()
    .await
}
