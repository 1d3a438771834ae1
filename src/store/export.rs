//! The whole dataset as a stream of NDJSON lines, read in short keyset chunks of one pinned
//! dataset version.
//!
//! [`Export::start`] pins the version the export reads (the current one, or the `as_of`
//! version the reader was given) and reads the dataset line. The stream then reads every
//! collection at that version through the `asof` views, a bounded number of rows at a time
//! (`where id > $last order by id limit n`). Each chunk is its own short read: a connection
//! is taken, queried and given back before the chunk's lines are handed on, so an export whose
//! client stops reading holds no connection and no transaction, however long it waits, and
//! the pin keeps the lines one consistent snapshot whatever is written meanwhile. Memory stays
//! flat: one chunk at a time.

use futures_util::Stream;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::postgres::PgRow;
use sqlx::types::Json;

use super::dataset::Stamp;
use super::incidents::{INCIDENT_COLUMNS, IncidentRow};
use super::{Reader, documents};
use crate::domain::{Actor, Claim, DatasetMeta, ForceFigure, Incident, Resource, Source};

/// Rows per chunk unless configured otherwise (`DURAND_EXPORT_CHUNK_ROWS`). At a million
/// incidents a chunk of 500 is read off the id indexes in a few ms (far inside the statement
/// timeout) and is about 1 MB of lines in memory; larger chunks export a little faster and
/// hold more.
pub const DEFAULT_CHUNK_ROWS: u32 = 500;

/// One NDJSON record line: `{"type": ..., "data": ...}`.
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

fn push_json<T: Serialize>(bytes: &mut Vec<u8>, value: &T) -> Result<(), sqlx::Error> {
    serde_json::to_writer(&mut *bytes, value).map_err(|e| sqlx::Error::Decode(e.into()))?;
    bytes.push(b'\n');
    Ok(())
}

/// An export whose version is pinned and whose first line is read: what is left is a stream.
pub struct Export {
    /// Reads the pinned version.
    db: Reader,
    stamp: Stamp,
    chunk_rows: u32,
    dataset_line: Vec<u8>,
}

impl Export {
    /// Pins the version `db` reads (for current data, the version in `dataset_meta` now) and
    /// reads the dataset line, in one query; `None` when no dataset has been loaded. Nothing
    /// is held once it returns.
    #[tracing::instrument(skip(db))]
    pub async fn start(db: &Reader, chunk_rows: u32) -> Result<Option<Self>, sqlx::Error> {
        let row: Option<(i64, chrono::DateTime<chrono::Utc>, Json<DatasetMeta>)> =
            sqlx::query_as("select version, changed_at, doc from dataset_meta")
                .fetch_optional(&mut *db.conn().await?)
                .await?;
        let Some((version, changed_at, Json(meta))) = row else {
            return Ok(None);
        };
        // An `as_of` reader already reads one version: keep the one it resolved to.
        let version = db.version().unwrap_or(version);
        let mut dataset_line = Vec::new();
        push_json(
            &mut dataset_line,
            &Line {
                kind: "dataset",
                data: meta,
            },
        )?;
        Ok(Some(Self {
            db: db.pinned(version),
            stamp: Stamp {
                version,
                changed_at,
            },
            chunk_rows: chunk_rows.max(1),
            dataset_line,
        }))
    }

    /// The version the export reads, and when it was made.
    pub fn stamp(&self) -> &Stamp {
        &self.stamp
    }

    /// The lines: the dataset line, then every source, actor, incident, claim and force figure
    /// of the pinned version in id order, then the end line. Each item is whole lines.
    pub fn ndjson(self) -> impl Stream<Item = Result<Vec<u8>, sqlx::Error>> {
        let Self {
            db,
            chunk_rows,
            dataset_line,
            ..
        } = self;
        async_stream::try_stream! {
            let mut count: u64 = 1;
            yield dataset_line;
            for collection in Collection::ALL {
                let mut after = String::new();
                loop {
                    let chunk = collection.chunk(&db, &after, chunk_rows).await?;
                    count += chunk.lines;
                    let full = chunk.lines == u64::from(chunk_rows);
                    if let Some(last) = chunk.last_id {
                        after = last;
                    }
                    if !chunk.bytes.is_empty() {
                        yield chunk.bytes;
                    }
                    if !full {
                        break;
                    }
                }
            }
            let mut end = Vec::new();
            push_json(&mut end, &End { kind: "end", count })?;
            yield end;
        }
    }
}

/// The collections of an export, in the order they are written.
#[derive(Debug, Clone, Copy)]
enum Collection {
    Sources,
    Actors,
    Incidents,
    Claims,
    ForceFigures,
}

/// Up to `n` records of one collection after the previous chunk, as NDJSON lines.
struct Chunk {
    bytes: Vec<u8>,
    lines: u64,
    /// The id of its last record: the next chunk starts after it.
    last_id: Option<String>,
}

impl Collection {
    const ALL: [Self; 5] = [
        Self::Sources,
        Self::Actors,
        Self::Incidents,
        Self::Claims,
        Self::ForceFigures,
    ];

    /// The records after id `after` (all of them from ""), at most `n`, in id order.
    async fn chunk(self, db: &Reader, after: &str, n: u32) -> Result<Chunk, sqlx::Error> {
        match self {
            Self::Sources => docs::<Source>(db, "source", Resource::Sources, after, n).await,
            Self::Actors => docs::<Actor>(db, "actor", Resource::Actors, after, n).await,
            Self::Incidents => {
                // An incident's `claims` are derived: the ids of the claims naming it.
                let sql = format!(
                    "select i.id, {INCIDENT_COLUMNS} from incidents i \
                     where i.id > $1 order by i.id limit $2"
                );
                let rows: Vec<(String, Json<Incident>, Vec<String>)> =
                    read(db, &sql, after, n).await?;
                lines(
                    "incident",
                    rows.into_iter()
                        .map(|(id, doc, claims)| (id, Incident::from(IncidentRow { doc, claims }))),
                )
            }
            Self::Claims => docs::<Claim>(db, "claim", Resource::Claims, after, n).await,
            Self::ForceFigures => {
                docs::<ForceFigure>(db, "force_figure", Resource::ForceFigures, after, n).await
            }
        }
    }
}

/// A chunk of a collection whose lines are its stored documents as they are.
async fn docs<T>(
    db: &Reader,
    kind: &str,
    resource: Resource,
    after: &str,
    n: u32,
) -> Result<Chunk, sqlx::Error>
where
    T: DeserializeOwned + Serialize + Send + Unpin + 'static,
{
    let sql = format!(
        "select id, doc from {} where id > $1 order by id limit $2",
        documents::table(resource)
    );
    let rows: Vec<(String, Json<T>)> = read(db, &sql, after, n).await?;
    lines(kind, rows.into_iter().map(|(id, Json(doc))| (id, doc)))
}

/// Runs one chunk's query in a transaction of its own, ended before the rows are returned:
/// the connection goes back to the pool clean, and nothing is held between chunks.
async fn read<R>(db: &Reader, sql: &str, after: &str, n: u32) -> Result<Vec<R>, sqlx::Error>
where
    R: for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin,
{
    let mut tx = db.begin().await?;
    let rows = sqlx::query_as(sql)
        .bind(after)
        .bind(i64::from(n))
        .fetch_all(&mut *tx)
        .await?;
    tx.rollback().await?;
    Ok(rows)
}

/// The NDJSON lines of `records` (id, record), and the last id.
fn lines<T: Serialize>(
    kind: &str,
    records: impl Iterator<Item = (String, T)>,
) -> Result<Chunk, sqlx::Error> {
    let mut chunk = Chunk {
        bytes: Vec::new(),
        lines: 0,
        last_id: None,
    };
    for (id, data) in records {
        push_json(&mut chunk.bytes, &Line { kind, data })?;
        chunk.lines += 1;
        chunk.last_id = Some(id);
    }
    Ok(chunk)
}
