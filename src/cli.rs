//! The `durand` command line: serve, migrate, import, export, validate, openapi, keys.

use std::path::PathBuf;

use crate::config::{DatabaseSettings, LogSettings, ServerSettings};
use crate::domain::{AsOf, SourceId};
use crate::store::keys::Scope;

/// Durand: a sourced, attributed REST API on the Pakistan–Afghanistan conflict.
#[derive(Debug, clap::Parser)]
#[command(name = "durand", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub log: LogSettings,
    #[command(subcommand)]
    pub command: Command,
}

/// What to do.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Apply migrations, load the bundled dataset if the database holds none, and serve HTTP.
    Serve {
        #[command(flatten)]
        db: DatabaseSettings,
        #[command(flatten)]
        server: ServerSettings,
    },
    /// Create the database if needed and apply pending migrations.
    Migrate {
        #[command(flatten)]
        db: DatabaseSettings,
    },
    /// Validate and load a dataset (a directory like `data/`, or a `durand export` file).
    /// Idempotent: loading the same data twice changes nothing.
    Import {
        /// Directory of dataset files, or one export file.
        path: PathBuf,
        #[command(flatten)]
        db: DatabaseSettings,
    },
    /// Fill an empty database with synthetic records shaped like the real ones, for load
    /// tests: marked synthetic, loaded with COPY as dataset version 1, then a history of
    /// edits through the write path. Refuses a database that holds any dataset.
    Generate {
        /// How many incidents.
        #[arg(long)]
        incidents: u64,
        /// How many claims (default: twice the incidents), spread over the incidents.
        #[arg(long)]
        claims: Option<u64>,
        /// The same seed makes the same records.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// How many edits to make after the load, each its own dataset version.
        #[arg(long, default_value_t = 100)]
        edits: u64,
        #[command(flatten)]
        db: DatabaseSettings,
    },
    /// Print the whole dataset as JSON on stdout.
    Export {
        /// Print the dataset as it was at this dataset version (`42`) or RFC 3339 time
        /// (`2026-03-01T12:00:00Z`), like `as_of` on the API.
        #[arg(long, value_name = "VERSION|TIME")]
        as_of: Option<AsOf>,
        #[command(flatten)]
        db: DatabaseSettings,
    },
    /// Check a dataset's integrity without a database (default: the bundled dataset).
    Validate {
        /// Directory of dataset files, or one export file.
        path: Option<PathBuf>,
        /// The text of a source, as `SOURCE_ID=FILE` (repeatable): every evidence span from
        /// that source must occur in the file verbatim, and every record, figure, place and
        /// relation must carry evidence.
        #[arg(long = "source-text", value_name = "ID=FILE", value_parser = parse_source_text)]
        source_texts: Vec<(SourceId, PathBuf)>,
    },
    /// Print the audit of a dataset against its sources (`data/AUDIT.md`) on stdout.
    Audit {
        /// Directory of dataset files with its `corrections.json` (default: `data`).
        #[arg(default_value = "data")]
        path: PathBuf,
    },
    /// Print the OpenAPI document on stdout.
    Openapi,
    /// Manage API keys: editors write with them; any key reads with its own rate limit.
    Keys {
        #[command(subcommand)]
        action: KeysAction,
        #[command(flatten)]
        db: DatabaseSettings,
    },
}

/// What to do with API keys.
#[derive(Debug, clap::Subcommand)]
pub enum KeysAction {
    /// Create a key and print its token once (only a hash is stored).
    Create {
        /// Who holds the key; recorded as the author of every revision it writes.
        #[arg(long)]
        name: String,
        /// What the key may do: `read` (reads with the key's own rate limit), `write` (also
        /// writes) or `admin`. Anything else is refused.
        #[arg(long, value_enum, default_value_t = Scope::Write)]
        scope: Scope,
    },
    /// List keys (never their tokens), with when each was last used.
    List,
    /// Revoke every key with this name (or this numeric id); writes with it then get 401, and
    /// reads too once the servers' key caches let it go (DURAND_KEY_CACHE_TTL_MS).
    Revoke {
        /// The key's name or id.
        key: String,
    },
}

/// Parses `SOURCE_ID=FILE`.
fn parse_source_text(s: &str) -> Result<(SourceId, PathBuf), String> {
    let (id, file) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}` is not SOURCE_ID=FILE"))?;
    let id = SourceId::parse(id).map_err(|e| format!("`{id}`: {e}"))?;
    Ok((id, PathBuf::from(file)))
}
