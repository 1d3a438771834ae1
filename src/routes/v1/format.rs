//! Content negotiation: JSON by default, CSV for every collection, GeoJSON for incidents.
//!
//! The format comes from `?format=` when given, else from `Accept` (q-values honoured). A
//! format the resource does not offer is a 406 problem listing those it does.

use actix_web::dev::Payload;
use actix_web::http::header::{self, Header};
use actix_web::{FromRequest, HttpRequest};

use crate::domain::string_enum;
use crate::error::ApiError;

string_enum! {
    /// A representation of a collection.
    pub enum Format {
        /// `application/json` (default).
        Json = "json",
        /// `text/csv`: RFC 4180, UTF-8, with a header row.
        Csv = "csv",
        /// `application/geo+json`: a FeatureCollection (incidents only).
        Geojson = "geojson",
    }
}

// The `format` parameter of every collection but incidents: it parses as `Format`, so
// `geojson` there is a 406 problem, but the spec offers only what the resource can serve.
/// A representation of a collection without places: JSON or CSV.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum TabularFormat {
    /// `application/json` (default).
    Json,
    /// `text/csv`: RFC 4180, UTF-8, with a header row.
    Csv,
}

impl Format {
    /// The media type sent in `Content-Type`.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Json => "application/json",
            Self::Csv => "text/csv; charset=utf-8; header=present",
            Self::Geojson => "application/geo+json",
        }
    }

    fn essence(self) -> &'static str {
        match self {
            Self::Json => "application/json",
            Self::Csv => "text/csv",
            Self::Geojson => "application/geo+json",
        }
    }
}

/// What most collections offer.
pub const JSON_CSV: &[Format] = &[Format::Json, Format::Csv];
/// What incidents offer.
pub const JSON_CSV_GEOJSON: &[Format] = &[Format::Json, Format::Csv, Format::Geojson];

fn not_acceptable(offered: &[Format]) -> ApiError {
    let offered: &'static [&'static str] = if offered.contains(&Format::Geojson) {
        &["application/json", "text/csv", "application/geo+json"]
    } else {
        &["application/json", "text/csv"]
    };
    ApiError::NotAcceptable { offered }
}

/// Picks the representation: `format` if given, else the best match for `Accept`.
pub fn negotiate(
    req: &HttpRequest,
    format: Option<Format>,
    offered: &[Format],
) -> Result<Format, ApiError> {
    if let Some(format) = format {
        return if offered.contains(&format) {
            Ok(format)
        } else {
            Err(not_acceptable(offered))
        };
    }
    preferred(req, offered, |f| f.essence()).ok_or_else(|| not_acceptable(offered))
}

/// The offered representation `Accept` prefers (each named by its media type), or `None` when
/// it rules out all of them. No `Accept`, or one that does not parse, gets the first.
///
/// Each offered type takes the quality of the most specific range that covers it (RFC 9110
/// §12.5.1), so `text/csv;q=0, */*` rules CSV out; the highest quality wins, then the more
/// specific match (`text/csv, */*` is CSV), then the order offered. q=0 means "not this".
fn preferred<T: Copy>(
    req: &HttpRequest,
    offered: &[T],
    media_type: impl Fn(T) -> &'static str,
) -> Option<T> {
    if !req.headers().contains_key(header::ACCEPT) {
        return offered.first().copied();
    }
    let Ok(accept) = header::Accept::parse(req) else {
        return offered.first().copied();
    };
    let mut best: Option<(header::Quality, u8, T)> = None;
    for &candidate in offered {
        let Some((quality, specificity)) = accept
            .iter()
            .filter_map(|i| {
                specificity(i.item.essence_str(), media_type(candidate)).map(|s| (i.quality, s))
            })
            .max_by_key(|&(_, s)| s)
        else {
            continue;
        };
        let better = best.is_none_or(|(q, s, _)| (quality, specificity) > (q, s));
        if quality > header::Quality::ZERO && better {
            best = Some((quality, specificity, candidate));
        }
    }
    best.map(|(_, _, chosen)| chosen)
}

/// How specifically a media range (`*/*`, `text/*`, `text/csv`) covers a media type
/// (`text/csv`): 0, 1 or 2; `None` when it does not.
fn specificity(range: &str, media_type: &str) -> Option<u8> {
    match range.strip_suffix("/*") {
        Some("*") => Some(0),
        Some(kind) => (media_type.split('/').next() == Some(kind)).then_some(1),
        None => (range == media_type).then_some(2),
    }
}

/// The media type of resources served only as JSON: a record, the dataset, a feed.
const JSON: &[&str] = &["application/json"];
/// The media type of the export, served only as NDJSON.
const NDJSON: &[&str] = &["application/x-ndjson"];

/// A 406 unless `Accept` allows the one media type `only` holds.
fn single(req: &HttpRequest, only: &'static [&'static str]) -> Result<(), ApiError> {
    match preferred(req, only, |m| m) {
        Some(_) => Ok(()),
        None => Err(ApiError::NotAcceptable { offered: only }),
    }
}

/// Declares an extractor for a resource served in one media type only (`only`): a request
/// whose `Accept` rules it out is a 406 problem.
macro_rules! single_media {
    ($(#[$doc:meta])* $name:ident: $only:ident) => {
        $(#[$doc])*
        pub struct $name;

        impl FromRequest for $name {
            type Error = ApiError;
            type Future = std::future::Ready<Result<Self, ApiError>>;

            fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
                std::future::ready(single(req, $only).map(|()| Self))
            }
        }
    };
}

single_media!(
    /// Extractor for a resource served only as JSON: a request whose `Accept` rules JSON out
    /// (`text/csv`, say) is a 406 problem rather than JSON it did not ask for.
    JsonOnly: JSON
);
single_media!(
    /// Extractor for the export, served only as NDJSON: as [`JsonOnly`], for `application/x-ndjson`.
    NdjsonOnly: NDJSON
);

#[cfg(test)]
mod tests {
    use super::*;

    fn accepting(value: &str) -> HttpRequest {
        actix_web::test::TestRequest::default()
            .insert_header((header::ACCEPT, value))
            .to_http_request()
    }

    #[test]
    fn collections_negotiate_as_they_did() {
        let cases = [
            ("*/*", JSON_CSV, Some(Format::Json)),
            ("text/*", JSON_CSV, Some(Format::Csv)),
            ("application/*", JSON_CSV_GEOJSON, Some(Format::Json)),
            (
                "application/geo+json",
                JSON_CSV_GEOJSON,
                Some(Format::Geojson),
            ),
            (
                "text/csv;q=0.5, application/json;q=0.9",
                JSON_CSV,
                Some(Format::Json),
            ),
            ("text/csv, */*;q=0.1", JSON_CSV, Some(Format::Csv)),
            ("text/csv, */*", JSON_CSV, Some(Format::Csv)),
            ("text/csv;q=0, */*", JSON_CSV, Some(Format::Json)),
            (
                "application/json;q=0, text/*;q=0.2",
                JSON_CSV,
                Some(Format::Csv),
            ),
            ("application/geo+json", JSON_CSV, None),
            ("application/xml", JSON_CSV, None),
        ];
        for (accept, offered, want) in cases {
            let got = negotiate(&accepting(accept), None, offered).ok();
            assert_eq!(got, want, "{accept}");
        }
    }

    #[test]
    fn a_single_representation_is_refused_only_when_accept_rules_it_out() {
        for accept in [
            "*/*",
            "application/*",
            "application/json",
            "text/csv, */*;q=0.1",
        ] {
            assert!(single(&accepting(accept), JSON).is_ok(), "{accept}");
        }
        for accept in [
            "text/csv",
            "text/*",
            "application/json;q=0, */*",
            "application/x-ndjson",
        ] {
            assert!(single(&accepting(accept), JSON).is_err(), "{accept}");
        }
        assert!(single(&accepting("application/x-ndjson"), NDJSON).is_ok());
        assert!(single(&accepting("application/json"), NDJSON).is_err());
    }
}
