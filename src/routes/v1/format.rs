//! Content negotiation: JSON by default, CSV for every collection, GeoJSON for incidents.
//!
//! The format comes from `?format=` when given, else from `Accept` (q-values honoured). A
//! format the resource does not offer is a 406 problem listing those it does.

use actix_web::HttpRequest;
use actix_web::http::header::{self, Header};

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
    if !req.headers().contains_key(header::ACCEPT) {
        return Ok(offered[0]);
    }
    let Ok(accept) = header::Accept::parse(req) else {
        return Ok(offered[0]);
    };
    // Highest quality first; among equals, exact types before wildcards. q=0 means "not this".
    let mut ranked: Vec<_> = accept
        .iter()
        .filter(|i| i.quality > header::Quality::ZERO)
        .collect();
    ranked.sort_by_key(|i| {
        (
            std::cmp::Reverse(i.quality),
            i.item.essence_str().contains('*'),
        )
    });
    for item in ranked {
        let essence = item.item.essence_str();
        if essence == "*/*" || essence == "application/*" && offered[0] == Format::Json {
            return Ok(offered[0]);
        }
        if essence == "text/*" && offered.contains(&Format::Csv) {
            return Ok(Format::Csv);
        }
        if let Some(f) = offered.iter().find(|f| f.essence() == essence) {
            return Ok(*f);
        }
    }
    Err(not_acceptable(offered))
}
