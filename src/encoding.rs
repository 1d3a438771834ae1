//! Content codings: the one a response is compressed with (the choice actix-web's `Compress`
//! makes, which the response cache keys by), the ETag of each compressed representation, and
//! the 406 problem when `Accept-Encoding` rules out every coding.

use std::borrow::Cow;

use actix_web::HttpMessage;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{
    self, AcceptEncoding, ContentEncoding, Encoding, HeaderMap, HeaderValue,
};
use actix_web::middleware::Next;

use crate::error::ApiError;

/// The codings `Compress` offers with the features this crate enables (its own list).
const SUPPORTED: [Encoding; 4] = [
    Encoding::identity(),
    Encoding::brotli(),
    Encoding::gzip(),
    Encoding::deflate(),
];

/// The codings a response can be sent in, for messages: compressed ones first.
pub const OFFERED: &str = "br, gzip, deflate or identity (uncompressed)";

/// The coding `Compress` chooses for this request, or `None` when `Accept-Encoding` rules
/// out every one. No header (or one that does not parse) means identity, as it does there.
pub fn negotiate(req: &impl HttpMessage) -> Option<ContentEncoding> {
    let Some(accept) = req.get_header::<AcceptEncoding>() else {
        return Some(ContentEncoding::Identity);
    };
    match accept.negotiate(SUPPORTED.iter())? {
        Encoding::Known(coding) => Some(coding),
        Encoding::Unknown(_) => None,
    }
}

/// The ETag of a representation sent in `coding`: the identity one with the coding appended
/// inside the quotes (`"…-gzip"`), so that each compressed variant has its own strong
/// validator. `None` for a tag that is not a quoted strong one.
pub fn coded_etag(etag: &str, coding: &str) -> Option<String> {
    let opaque = etag.strip_prefix('"')?.strip_suffix('"')?;
    Some(format!("\"{opaque}-{coding}\""))
}

/// The identity ETag a tag names: `"…-gzip"`, `"…-br"` or `"…-deflate"` name `"…"`; any
/// other tag names itself. Writes use it, so the ETag of a compressed read works in `If-Match`.
pub fn identity_etag(tag: &str) -> Cow<'_, str> {
    for coding in ["gzip", "br", "deflate"] {
        if let Some(opaque) = tag
            .strip_prefix('"')
            .and_then(|t| t.strip_suffix('"'))
            .and_then(|t| t.strip_suffix(coding))
            .and_then(|t| t.strip_suffix('-'))
        {
            return Cow::Owned(format!("\"{opaque}\""));
        }
    }
    Cow::Borrowed(tag)
}

/// Gives a compressed response with an ETag the ETag of its coding ([`coded_etag`]).
pub fn tag_coding(headers: &mut HeaderMap) {
    let coding = headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .filter(|c| !c.eq_ignore_ascii_case("identity"));
    let Some(tag) = coding.and_then(|coding| {
        let etag = headers.get(header::ETAG)?.to_str().ok()?;
        HeaderValue::from_str(&coded_etag(etag, coding)?).ok()
    }) else {
        return;
    };
    headers.insert(header::ETAG, tag);
}

/// Middleware: a request whose `Accept-Encoding` rules out every coding (`identity;q=0` with
/// nothing else) gets a 406 problem saying so, where `Compress` would answer in plain text.
pub async fn require_acceptable(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if negotiate(&req).is_some() {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let asked = req
        .headers()
        .get_all(header::ACCEPT_ENCODING)
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(", ");
    let mut res = req.error_response(ApiError::EncodingNotAcceptable {
        asked,
        offered: OFFERED,
    });
    let headers = res.headers_mut();
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res.map_into_boxed_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_coded_etag_names_its_identity_etag() {
        let etag = "\"0123abcd\"";
        for coding in ["gzip", "br", "deflate"] {
            let coded = coded_etag(etag, coding).unwrap();
            assert_eq!(coded, format!("\"0123abcd-{coding}\""));
            assert_eq!(identity_etag(&coded), etag);
        }
        assert_eq!(identity_etag(etag), etag);
        assert_eq!(identity_etag("\"x-zstd\""), "\"x-zstd\"");
        assert_eq!(identity_etag("W/\"x-gzip\""), "W/\"x-gzip\"");
        assert_eq!(coded_etag("W/\"x\"", "gzip"), None);
    }

    #[test]
    fn negotiation_matches_what_compress_offers() {
        let req = |value: &str| {
            actix_web::test::TestRequest::default()
                .insert_header((header::ACCEPT_ENCODING, value))
                .to_http_request()
        };
        let none = actix_web::test::TestRequest::default().to_http_request();
        assert_eq!(negotiate(&none), Some(ContentEncoding::Identity));
        assert_eq!(negotiate(&req("br")), Some(ContentEncoding::Brotli));
        assert_eq!(
            negotiate(&req("gzip, br;q=0.5")),
            Some(ContentEncoding::Gzip)
        );
        assert_eq!(negotiate(&req("deflate")), Some(ContentEncoding::Deflate));
        assert_eq!(negotiate(&req("zstd")), Some(ContentEncoding::Identity));
        assert_eq!(negotiate(&req("identity;q=0")), None);
        assert_eq!(negotiate(&req("*;q=0")), None);
        assert_eq!(negotiate(&req("zstd, identity;q=0")), None);
    }
}
