//! What each `durand` subcommand does.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, bail};
use sqlx::PgPool;

use crate::cli::{Cli, Command, KeysAction};
use crate::config::DatabaseSettings;
use crate::domain::Dataset;
use crate::startup::Application;
use crate::{openapi, store, telemetry};

/// Runs one subcommand to completion.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    telemetry::init(&cli.log.filter, cli.log.log_format, std::io::stderr);
    match cli.command {
        Command::Serve { db, server } => {
            let started = Instant::now();
            let pool = prepare(&db).await?;
            if store::dataset::get_meta(&pool).await?.is_none() {
                let report = store::import::import_dataset(&pool, &bundled()?).await?;
                tracing::info!(?report, "loaded the bundled dataset into an empty database");
            }
            let app = Application::build(&server, pool)
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
            let report = store::import::import_dataset(&pool, &dataset).await?;
            print_json(&report)?;
        }
        Command::Export { as_of, db } => {
            let mut pool = connect(&db)?;
            if let Some(as_of) = as_of {
                let stamp = match store::snapshots::resolve(&pool, as_of).await {
                    Err(store::snapshots::ResolveError::OutOfRange(why)) => {
                        bail!("--as-of {why}")
                    }
                    other => other?,
                };
                let snapshot = store::snapshots::snapshot_pool(&pool, stamp.version);
                store::snapshots::ensure(&pool, &snapshot, stamp.version).await?;
                pool = snapshot;
            }
            let Some(mut dataset) = store::dataset::export(&pool).await? else {
                bail!(
                    "the database holds no dataset: run `durand import data` or `durand serve` first"
                );
            };
            dataset.sort();
            print_json(&dataset)?;
        }
        Command::Validate { path } => {
            let dataset = load_valid(path.as_deref())?;
            print_json(&serde_json::json!({
                "valid": true,
                "release": dataset.meta.release,
                "sources": dataset.sources.len(),
                "actors": dataset.actors.len(),
                "incidents": dataset.incidents.len(),
                "claims": dataset.claims.len(),
                "force_figures": dataset.force_figures.len(),
            }))?;
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
                "note": "Shown once: store the token now. Send it as `Authorization: Bearer <token>`.",
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

fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    out.write_all(b"\n")?;
    Ok(())
}
