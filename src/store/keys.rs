//! API keys: created and revoked from the command line, checked on every write, and on reads
//! that carry one (for the key's own rate limit; `auth::KeyCache` keeps those checks off the
//! database for a few seconds at a time).
//!
//! A token is 32 random bytes shown once as `durand_<base64url>`; only its SHA-256 is
//! stored, so a copy of the database does not hand out write access. Lookups are by hash
//! (unique index), so checking a token costs one indexed query.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::PgPool;

/// What a key may do. Every scope reads with the key's own rate limit; `write` and `admin`
/// include everything `read` may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Reads with the key's own, larger rate limit instead of its address's; may not write.
    Read,
    /// May create, correct and delete records.
    Write,
    /// Everything `write` may, and whatever administration the API grows.
    Admin,
}

impl Scope {
    /// The scope as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
            Self::Admin => "admin",
        }
    }

    /// The scope stored as `s`; `None` for anything else, which is never taken for a scope
    /// (the table's check constraint allows only these three).
    fn parse(s: &str) -> Option<Self> {
        match s {
            "read" => Some(Self::Read),
            "write" => Some(Self::Write),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }
}

/// A key as `keys list` shows it: never the token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyInfo {
    pub id: i64,
    pub name: String,
    pub scope: Scope,
    /// The token's first characters, to tell keys apart.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// The prefix every token starts with, so that secret scanners can recognise one.
const TOKEN_PREFIX: &str = "durand_";

/// SHA-256 of a token, as stored.
pub fn hash(token: &str) -> Vec<u8> {
    digest(token).to_vec()
}

/// SHA-256 of a token, as a fixed-size value (what caches key on instead of the token).
pub fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Base64url characters in a token after its prefix: 32 bytes, unpadded.
const TOKEN_SECRET_CHARS: usize = 43;

/// Whether `token` has the form `create` gives every token (`durand_` and 43 base64url
/// characters): anything else is surely no key and needs no database lookup.
pub fn is_well_formed(token: &str) -> bool {
    token.strip_prefix(TOKEN_PREFIX).is_some_and(|secret| {
        secret.len() == TOKEN_SECRET_CHARS
            && secret
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

/// Why a key could not be created.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "a key name is 1 to 64 letters, digits, spaces or `._@-`, starting with a letter or digit"
    )]
    BadName,
    #[error("cannot draw random bytes for the token: {0}")]
    Random(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Creates a key; returns the token (shown once, never stored) and the key.
pub async fn create(
    pool: &PgPool,
    name: &str,
    scope: Scope,
) -> Result<(String, KeyInfo), KeyError> {
    let valid = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " ._@-".contains(c));
    if !valid {
        return Err(KeyError::BadName);
    }
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| KeyError::Random(e.to_string()))?;
    let token = format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(secret));
    let prefix = token[..TOKEN_PREFIX.len() + 6].to_owned();
    let row = sqlx::query!(
        r#"
        insert into api_keys (name, scope, token_hash, prefix) values ($1, $2, $3, $4)
        returning id, created_at
        "#,
        name,
        scope.as_str(),
        hash(&token),
        prefix,
    )
    .fetch_one(pool)
    .await?;
    let info = KeyInfo {
        id: row.id,
        name: name.to_owned(),
        scope,
        prefix,
        created_at: row.created_at,
        last_used_at: None,
        revoked_at: None,
    };
    Ok((token, info))
}

/// A key's row, as selected.
struct KeyRow {
    id: i64,
    name: String,
    scope: String,
    prefix: String,
    created_at: DateTime<Utc>,
    last_used_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
}

impl TryFrom<KeyRow> for KeyInfo {
    type Error = sqlx::Error;

    /// Fails on a scope this code does not know, rather than guess what the key may do.
    fn try_from(r: KeyRow) -> Result<Self, sqlx::Error> {
        let scope = Scope::parse(&r.scope).ok_or_else(|| {
            sqlx::Error::Decode(format!("key {} has an unknown scope `{}`", r.id, r.scope).into())
        })?;
        Ok(Self {
            id: r.id,
            name: r.name,
            scope,
            prefix: r.prefix,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
            revoked_at: r.revoked_at,
        })
    }
}

/// Every key, oldest first.
pub async fn list(pool: &PgPool) -> Result<Vec<KeyInfo>, sqlx::Error> {
    let rows = sqlx::query_as!(
        KeyRow,
        r#"
        select id, name, scope, prefix, created_at, last_used_at, revoked_at
        from api_keys order by id
        "#
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(KeyInfo::try_from).collect()
}

/// Revokes the keys with this name (or this numeric id); returns how many were revoked.
pub async fn revoke(pool: &PgPool, name_or_id: &str) -> Result<u64, sqlx::Error> {
    let id: Option<i64> = name_or_id.parse().ok();
    let done = sqlx::query!(
        r#"
        update api_keys set revoked_at = now()
        where revoked_at is null and (name = $1 or id = $2)
        "#,
        name_or_id,
        id,
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

/// The key holding this token, if any (revoked keys included, so the caller can say so),
/// recording that it was used.
pub async fn authenticate(pool: &PgPool, token: &str) -> Result<Option<KeyInfo>, sqlx::Error> {
    let row = sqlx::query_as!(
        KeyRow,
        r#"
        update api_keys set last_used_at = now()
        where token_hash = $1
        returning id, name, scope, prefix, created_at, last_used_at, revoked_at
        "#,
        hash(token),
    )
    .fetch_optional(pool)
    .await?;
    row.map(KeyInfo::try_from).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_tokens_of_the_created_form_are_well_formed() {
        let token = format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode([7u8; 32]));
        assert!(is_well_formed(&token), "{token}");
        for bad in [
            "",
            "durand_",
            &token[..token.len() - 1],
            &format!("{token}A"),
            &token.replacen("durand_", "durand-", 1),
            &format!("{}+", &token[..token.len() - 1]),
        ] {
            assert!(!is_well_formed(bad), "{bad}");
        }
    }

    #[test]
    fn unknown_scopes_are_not_taken_for_a_scope() {
        for scope in [Scope::Read, Scope::Write, Scope::Admin] {
            assert_eq!(Scope::parse(scope.as_str()), Some(scope));
        }
        assert_eq!(Scope::parse("reader"), None);
        assert_eq!(Scope::parse(""), None);
    }
}
