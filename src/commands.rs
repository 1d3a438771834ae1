//! What each `durand` subcommand does.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use sqlx::PgPool;

use crate::cli::{Cli, Command, KeysAction};
use crate::config::DatabaseSettings;
use crate::domain::audit::Corrections;
use crate::domain::{Dataset, SourceId};
use crate::progress::Progress;
use crate::startup::Application;
use crate::{generate, openapi, store, telemetry};

/// Runs one subcommand to completion.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    telemetry::init(
        &cli.log.filter,
        cli.log.log_format,
        cli.log.log_spans,
        std::io::stderr,
    );
    match cli.command {
        Command::Serve { db, server } => {
            let started = Instant::now();
            // Migrations and the bundled release are not bound by the serving timeouts.
            let setup = prepare(&db).await?;
            load_bundled_release(&setup).await?;
            setup.close().await;
            let options = db
                .connect_options()
                .context("DATABASE_URL is not a valid PostgreSQL URL")?;
            let pools = crate::replicas::Pools {
                primary: store::connect_serving(options, db.max_connections, &server.waits),
                replica: connect_replica(&db, &server.waits)?,
            };
            let app = Application::build(&server, pools)
                .with_context(|| format!("cannot listen on {}", server.addr))?;
            tracing::info!(
                addr = %server.addr,
                port = app.port(),
                startup_ms = started.elapsed().as_millis() as u64,
                "ready: serving on http://{}:{}/v1 (docs at /docs/)",
                server.addr.ip(),
                app.port(),
            );
            app.run_until_stopped().await?;
            tracing::info!("stopped");
        }
        Command::Migrate { db } => {
            prepare(&db).await?;
            tracing::info!("migrations applied");
        }
        Command::Import { path, db } => {
            let dataset = load_valid(Some(&path))?;
            let pool = prepare(&db).await?;
            let mut progress = Progress::new(dataset.record_count() as u64, "records");
            let report =
                store::import::import_with_progress(&pool, &dataset, &mut |n| progress.advance(n))
                    .await?;
            progress.finish();
            print_json(&report)?;
        }
        Command::Generate {
            incidents,
            claims,
            seed,
            edits,
            db,
        } => {
            let plan = generate::Plan {
                incidents,
                claims: claims.unwrap_or(incidents * 2),
                seed,
            };
            let pool = prepare(&db).await?;
            let started = Instant::now();
            let version =
                generate::load(&pool, generate::Generator::new(plan, bundled()?), edits).await?;
            print_json(&serde_json::json!({
                "incidents": plan.incidents,
                "claims": plan.claims,
                "seed": plan.seed,
                "version": version,
                "seconds": started.elapsed().as_secs_f64(),
            }))?;
        }
        Command::Export { as_of, db } => {
            let pool = connect(&db)?;
            let reader = match as_of {
                None => store::Reader::current(pool),
                Some(as_of) => {
                    let stamp = match store::versions::resolve(&pool, as_of).await {
                        Err(store::versions::ResolveError::OutOfRange(why)) => {
                            bail!("--as-of {why}")
                        }
                        other => other?,
                    };
                    store::Reader::at(pool, stamp.version)
                }
            };
            let Some(mut dataset) = store::dataset::export(&reader).await? else {
                bail!(
                    "the database holds no dataset: run `durand import data` or `durand serve` first"
                );
            };
            dataset.sort();
            print_json(&dataset)?;
        }
        Command::Validate { path, source_texts } => {
            let dataset = load_valid(path.as_deref())?;
            if !source_texts.is_empty() {
                check_evidence(&dataset, &source_texts)?;
            }
            print_json(&serde_json::json!({
                "valid": true,
                "release": dataset.meta.release,
                "sources": dataset.sources.len(),
                "actors": dataset.actors.len(),
                "incidents": dataset.incidents.len(),
                "claims": dataset.claims.len(),
                "force_figures": dataset.force_figures.len(),
                "evidence_checked_against": source_texts.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(),
            }))?;
        }
        Command::Audit { path } => {
            let dataset = load_valid(Some(&path))?;
            let corrections = path.join("corrections.json");
            let corrections: Corrections = serde_json::from_str(
                &std::fs::read_to_string(&corrections)
                    .with_context(|| format!("cannot read {}", corrections.display()))?,
            )
            .with_context(|| format!("{} is not a corrections file", corrections.display()))?;
            std::io::stdout().write_all(dataset.audit_markdown(&corrections).as_bytes())?;
        }
        Command::Openapi => {
            std::io::stdout().write_all(openapi::spec_json().as_bytes())?;
        }
        Command::Keys { action, db } => {
            let pool = prepare(&db).await?;
            keys(&pool, action).await?;
        }
    }
    Ok(())
}

/// `durand keys ...`: the token is printed once, on stdout, and never logged.
async fn keys(pool: &PgPool, action: KeysAction) -> anyhow::Result<()> {
    match action {
        KeysAction::Create { name, scope } => {
            let (token, key) = store::keys::create(pool, &name, scope).await?;
            print_json(&serde_json::json!({
                "token": token,
                "key": key,
                "note": "Shown once: store the token now. Send it as `Authorization: Bearer <token>`; reads with it count against the key's own rate limit.",
            }))?;
        }
        KeysAction::List => print_json(&store::keys::list(pool).await?)?,
        KeysAction::Revoke { key } => {
            let revoked = store::keys::revoke(pool, &key).await?;
            if revoked == 0 {
                bail!("no active key is named `{key}` or has that id");
            }
            print_json(&serde_json::json!({ "revoked": revoked }))?;
        }
    }
    Ok(())
}

fn connect(db: &DatabaseSettings) -> anyhow::Result<PgPool> {
    let options = db
        .connect_options()
        .context("DATABASE_URL is not a valid PostgreSQL URL")?;
    Ok(store::connect(options, db.max_connections))
}

/// The read replica's pool, when `DATABASE_READ_URL` is set (connections are made lazily).
fn connect_replica(
    db: &DatabaseSettings,
    waits: &crate::config::WaitSettings,
) -> anyhow::Result<Option<PgPool>> {
    let Some(options) = db.read_connect_options() else {
        return Ok(None);
    };
    let options = options.context("DATABASE_READ_URL is not a valid PostgreSQL URL")?;
    tracing::info!("reads go to the replica at DATABASE_READ_URL");
    Ok(Some(store::connect_serving(
        options,
        db.max_connections,
        waits,
    )))
}

/// Connects, creating the database if needed, and applies migrations.
async fn prepare(db: &DatabaseSettings) -> anyhow::Result<PgPool> {
    // Creating the database needs rights a production role may lack; migrate says clearly
    // if the database is then still missing.
    if let Err(e) = store::ensure_database(&db.database_url).await {
        tracing::warn!(error = %e, "could not check or create the database");
    }
    let pool = connect(db)?;
    store::migrate(&pool)
        .await
        .context("cannot apply migrations (is PostgreSQL running and DATABASE_URL right?)")?;
    Ok(pool)
}

/// Loads the bundled dataset into an empty database, or into one holding an older release
/// (a corrected release reaches deployments on their next start, as a new dataset version
/// whose revisions keep what the old release said). A database at the same or a newer
/// release, or whose release label is not a number, is left alone; `durand import` loads any
/// dataset by hand.
pub async fn load_bundled_release(pool: &PgPool) -> anyhow::Result<()> {
    let bundled = bundled()?;
    let stored = store::dataset::get_meta(&store::Reader::current(pool.clone())).await?;
    match &stored {
        None => {}
        Some(meta) if bundled.meta.supersedes(meta) => {
            tracing::info!(
                from = %meta.release,
                to = %bundled.meta.release,
                "the bundled release is newer than the database's: importing it"
            );
        }
        Some(_) => return Ok(()),
    }
    match store::import::import_dataset(pool, &bundled).await {
        Ok(report) => {
            tracing::info!(?report, release = %bundled.meta.release, "loaded the bundled dataset");
            Ok(())
        }
        // Editors deleted a record the release still has: serving the data as it stands
        // beats refusing to start; the log says what to reconcile.
        Err(e @ store::import::ImportError::Deleted(_)) if stored.is_some() => {
            tracing::warn!(error = %e, "the bundled release was not loaded");
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

fn bundled() -> anyhow::Result<Dataset> {
    load_valid(None)
}

/// Reads a dataset (bundled, or from `path`) and checks its integrity, listing every problem.
fn load_valid(path: Option<&Path>) -> anyhow::Result<Dataset> {
    let dataset = match path {
        Some(path) => Dataset::load(path)?,
        None => Dataset::bundled()?,
    };
    if let Err(errors) = dataset.validate() {
        let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
        bail!(
            "the dataset has {} problem(s):\n  {}",
            list.len(),
            list.join("\n  ")
        );
    }
    Ok(dataset)
}

/// Checks every evidence span against the given source texts, and that nothing lacks evidence.
fn check_evidence(dataset: &Dataset, texts: &[(SourceId, PathBuf)]) -> anyhow::Result<()> {
    let mut by_source = BTreeMap::new();
    for (id, file) in texts {
        if !dataset.sources.iter().any(|s| &s.id == id) {
            bail!("--source-text names `{id}`, which is not a source of the dataset");
        }
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        by_source.insert(id.clone(), text);
    }
    let errors = dataset.check_evidence(&by_source);
    if !errors.is_empty() {
        let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
        bail!(
            "the evidence has {} problem(s):\n  {}",
            list.len(),
            list.join("\n  ")
        );
    }
    Ok(())
}

fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    out.write_all(b"\n")?;
    Ok(())
}
