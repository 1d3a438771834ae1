//! The whole dataset as a stream of NDJSON lines, read row by row from one snapshot.
//!
//! Memory stays flat however large the dataset grows: rows are fetched as a cursor-like
//! stream and each is written out before the next is read.

use futures_util::{Stream, TryStreamExt};
use serde::Serialize;
use sqlx::types::Json;

use super::Reader;
use super::incidents::IncidentRow;
use crate::domain::{Actor, Claim, DatasetMeta, ForceFigure, Incident, Source};

/// One NDJSON line: `{"type": ..., "data": ...}`.
#[derive(Serialize)]
struct Line<'a, T> {
    #[serde(rename = "type")]
    kind: &'a str,
    data: T,
}

/// The last line: `{"type": "end", "count": N}`, N the lines before it.
#[derive(Serialize)]
struct End {
    #[serde(rename = "type")]
    kind: &'static str,
    count: u64,
}

fn to_line<T: Serialize>(value: &T) -> Result<Vec<u8>, sqlx::Error> {
    let mut bytes = serde_json::to_vec(value).map_err(|e| sqlx::Error::Decode(e.into()))?;
    bytes.push(b'\n');
    Ok(bytes)
}

fn line<T: Serialize>(kind: &str, data: T) -> Result<Vec<u8>, sqlx::Error> {
    to_line(&Line { kind, data })
}

/// Streams the dataset: one `dataset` line, then every source, actor, incident, claim and
/// force figure in id order, in one repeatable-read snapshot, then the end line (a body
/// without it was cut short).
pub fn ndjson(db: Reader) -> impl Stream<Item = Result<Vec<u8>, sqlx::Error>> {
    let lines = ndjson_records(db);
    async_stream::try_stream! {
        let mut count: u64 = 0;
        for await line in lines {
            count += 1;
            yield line?;
        }
        yield to_line(&End { kind: "end", count })?;
    }
}

fn ndjson_records(db: Reader) -> impl Stream<Item = Result<Vec<u8>, sqlx::Error>> {
    async_stream::try_stream! {
        let mut tx = db.begin().await?;
        // Each collection is one statement streamed for as long as the download lasts, so
        // the serving pool's statement timeout would cut a large export short. (Holding one
        // connection for the whole download is issue 11's next item.)
        sqlx::query("set local statement_timeout = 0").execute(&mut *tx).await?;
        let meta: Option<Json<DatasetMeta>> = sqlx::query_scalar("select doc from dataset_meta")
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(Json(meta)) = meta {
            yield line("dataset", meta)?;
        }
        {
            let mut rows = sqlx::query_scalar::<_, Json<Source>>("select doc from sources order by id").fetch(&mut *tx);
            while let Some(Json(r)) = rows.try_next().await? {
                yield line("source", r)?;
            }
        }
        {
            let mut rows = sqlx::query_scalar::<_, Json<Actor>>("select doc from actors order by id").fetch(&mut *tx);
            while let Some(Json(r)) = rows.try_next().await? {
                yield line("actor", r)?;
            }
        }
        {
            let mut rows = sqlx::query_as::<_, IncidentRow>(
                "select i.doc, array(select c.id from claims c where c.incident_id = i.id order by c.id) as claims from incidents i order by i.id",
            )
            .fetch(&mut *tx);
            while let Some(r) = rows.try_next().await? {
                yield line("incident", Incident::from(r))?;
            }
        }
        {
            let mut rows = sqlx::query_scalar::<_, Json<Claim>>("select doc from claims order by id").fetch(&mut *tx);
            while let Some(Json(r)) = rows.try_next().await? {
                yield line("claim", r)?;
            }
        }
        {
            let mut rows = sqlx::query_scalar::<_, Json<ForceFigure>>("select doc from force_figures order by id").fetch(&mut *tx);
            while let Some(Json(r)) = rows.try_next().await? {
                yield line("force_figure", r)?;
            }
        }
        tx.commit().await?;
    }
}
