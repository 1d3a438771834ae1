//! Who is writing: the `Authorization: Bearer` key on every write, checked before the body
//! is read. Reads need no key.
//!
//! The token is never logged: it is read here, hashed, and dropped.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use sqlx::PgPool;

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
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Err(unauthorized("This operation needs an API key.", false));
    };
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
