//! Who is calling: the `Authorization: Bearer` key on every write, checked in the database
//! before the body is read; and on a read that carries one, checked through [`KeyCache`] so
//! that the rate limiter can count the read against the key rather than its address. Reads
//! need no key.
//!
//! The token is never logged: it is read here, hashed, and dropped.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use actix_web::http::header::{self, HeaderMap};
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use sqlx::PgPool;

use crate::config::MAX_KEY_CACHE_TTL_MS;
use crate::error::ApiError;
use crate::store::keys::{self, KeyInfo, Scope};

/// An authenticated key allowed to write; the extractor answers 401 or 403 otherwise.
#[derive(Debug, Clone)]
pub struct Editor {
    pub key: KeyInfo,
}

impl Editor {
    /// The name recorded as the author of this key's revisions.
    pub fn name(&self) -> &str {
        &self.key.name
    }
}

fn unauthorized(detail: &str, invalid_token: bool) -> ApiError {
    ApiError::Unauthorized {
        detail: detail.to_owned(),
        invalid_token,
    }
}

/// The bearer token of a request, or the 401 saying what is wrong with the header.
fn bearer(req: &HttpRequest) -> Result<String, ApiError> {
    credentials(req.headers())
        .unwrap_or_else(|| Err(unauthorized("This operation needs an API key.", false)))
}

/// The bearer token in `headers`: `None` without an `Authorization` header, the 401 saying
/// what is wrong with one that holds no usable bearer token.
pub fn credentials(headers: &HeaderMap) -> Option<Result<String, ApiError>> {
    let value = headers.get(header::AUTHORIZATION)?;
    Some(parse_bearer(value))
}

fn parse_bearer(value: &header::HeaderValue) -> Result<String, ApiError> {
    let value = value
        .to_str()
        .map_err(|_| unauthorized("The Authorization header is not readable text.", true))?;
    let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(unauthorized(
            "The Authorization header must use the Bearer scheme.",
            true,
        ));
    }
    let token = token.trim();
    if token.is_empty() {
        return Err(unauthorized("The Bearer token is empty.", true));
    }
    Ok(token.to_owned())
}

impl FromRequest for Editor {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer(req);
        let pool = req.app_data::<web::Data<PgPool>>().cloned();
        Box::pin(async move {
            let token = token?;
            let pool = pool.ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no pool")))?;
            let Some(key) = keys::authenticate(&pool, &token).await? else {
                return Err(unauthorized("The API key is not known.", true));
            };
            if key.revoked_at.is_some() {
                return Err(unauthorized("The API key has been revoked.", true));
            }
            if key.scope < Scope::Write {
                return Err(ApiError::Forbidden(format!(
                    "The key `{}` has scope `{}`, which may not write; ask for a key with scope `write`.",
                    key.name,
                    key.scope.as_str()
                )));
            }
            tracing::Span::current().record("key", key.name.as_str());
            Ok(Editor { key })
        })
    }
}

/// How many token lookups [`KeyCache`] keeps: a few hundred bytes each. A flood of made-up
/// tokens cannot push out keys in use: moka admits a new entry over a full cache only when
/// it is asked for more often than the entry it would evict.
const KEY_CACHE_ENTRIES: u64 = 10_000;

/// What the database said of a token, kept for the cache's time to live.
#[derive(Debug, Clone)]
enum Lookup {
    Valid(Arc<KeyInfo>),
    Unknown,
    Revoked,
}

impl Lookup {
    fn into_result(self) -> Result<Arc<KeyInfo>, ApiError> {
        match self {
            Self::Valid(key) => Ok(key),
            Self::Unknown => Err(unauthorized("The API key is not known.", true)),
            Self::Revoked => Err(unauthorized("The API key has been revoked.", true)),
        }
    }
}

/// Token lookups for reads, by the token's SHA-256, each kept for a time to live
/// (`DURAND_KEY_CACHE_TTL_MS`): a key that reads at any rate costs one database query per
/// TTL, and a key revoked stops reading within a TTL. Writes do not use it: a revoked key
/// cannot write from the moment it is revoked.
pub struct KeyCache {
    entries: moka::sync::Cache<[u8; 32], Lookup>,
}

impl KeyCache {
    /// An empty cache whose entries live `ttl` (at most [`MAX_KEY_CACHE_TTL_MS`]).
    pub fn new(ttl: Duration) -> Self {
        Self {
            entries: moka::sync::Cache::builder()
                .max_capacity(KEY_CACHE_ENTRIES)
                .time_to_live(ttl.min(Duration::from_millis(MAX_KEY_CACHE_TTL_MS)))
                .build(),
        }
    }

    /// The key holding `token` as last looked up, or the 401 saying why it is none; `None`
    /// when it has not been looked up within the TTL.
    pub fn cached(&self, token: &str) -> Option<Result<Arc<KeyInfo>, ApiError>> {
        self.entries
            .get(&keys::digest(token))
            .map(Lookup::into_result)
    }

    /// Looks `token` up in the database (recording that the key was used) and keeps the
    /// answer. A token not of the form keys have is refused without a query.
    pub async fn look_up(&self, pool: &PgPool, token: &str) -> Result<Arc<KeyInfo>, ApiError> {
        if !keys::is_well_formed(token) {
            return Err(unauthorized(
                "The Bearer token is not a Durand API key (`durand_` and 43 more characters).",
                true,
            ));
        }
        let lookup = match keys::authenticate(pool, token).await? {
            None => Lookup::Unknown,
            Some(key) if key.revoked_at.is_some() => Lookup::Revoked,
            Some(key) => Lookup::Valid(Arc::new(key)),
        };
        self.entries.insert(keys::digest(token), lookup.clone());
        lookup.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// However many distinct tokens are looked up (made-up ones included), the cache keeps
    /// at most `KEY_CACHE_ENTRIES`.
    #[test]
    fn the_key_cache_holds_at_most_its_bound() {
        let cache = KeyCache::new(Duration::from_secs(60));
        for i in 0..3 * KEY_CACHE_ENTRIES {
            let token = format!("durand_made-up-{i}");
            cache.entries.insert(keys::digest(&token), Lookup::Unknown);
        }
        cache.entries.run_pending_tasks();
        let held = cache.entries.entry_count();
        assert!(held <= KEY_CACHE_ENTRIES, "{held} entries held");
        assert!(held > 0);
    }
}
