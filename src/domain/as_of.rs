//! `as_of`: a point in the dataset's history, named by a dataset version or by a time.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

/// A dataset version (`42`) or an RFC 3339 time (`2026-03-01T12:00:00Z`), as asked for;
/// which version a time means depends on the history, so resolving it is the store's job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsOf {
    /// A dataset version, 1 or more.
    Version(i64),
    /// The latest version at or before this time.
    Time(DateTime<Utc>),
}

/// What `as_of` accepts, for error messages.
pub const AS_OF_FORMS: &str = "a dataset version (a whole number from 1) or an RFC 3339 time \
     (e.g. `42` or `2026-03-01T12:00:00Z`)";

impl FromStr for AsOf {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("must be {AS_OF_FORMS}, got `{s}`");
        if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
            return match s.parse::<i64>() {
                Ok(v) if v >= 1 => Ok(Self::Version(v)),
                _ => Err(bad()),
            };
        }
        // An unencoded `+` in a query string arrives as a space: `...T12:00:00 05:00`.
        let repaired;
        let text = match s.rsplit_once(' ') {
            Some((time, offset)) if time.contains('T') && offset.contains(':') => {
                repaired = format!("{time}+{offset}");
                &repaired
            }
            _ => s,
        };
        DateTime::parse_from_rfc3339(text)
            .map(|t| Self::Time(t.with_timezone(&Utc)))
            .map_err(|_| bad())
    }
}

impl<'de> Deserialize<'de> for AsOf {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for AsOf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Version(v) => write!(f, "{v}"),
            Self::Time(t) => f.write_str(&t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
        }
    }
}

/// What `as_of` matches: a version from 1, or an RFC 3339 time with its offset.
pub const AS_OF_PATTERN: &str = r"^(0*[1-9][0-9]{0,17}|[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9]))$";

// By hand: a plain string with a pattern, inlined where it is used. A `oneOf` of an integer
// and a date-time (said once) made generators send `as_of` JSON-quoted, or crash without it.
impl utoipa::PartialSchema for AsOf {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(AS_OF_PATTERN))
            .description(Some(
                "Time travel: the data as it was at a dataset version (`42`: a whole number from \
                 1, at most the current version) or at a time (RFC 3339 with an offset, \
                 `2026-03-01T12:00:00Z`: the latest version at or before it, not in the future \
                 and not before the first version). The same request with the same `as_of` \
                 always returns the same bytes.",
            ))
            // A version only: any fixed time falls before the first version of a database
            // loaded after it (the description shows the form).
            .examples([serde_json::json!("1")])
            .into()
    }
}

impl utoipa::ToSchema for AsOf {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_times_parse() {
        assert_eq!("42".parse::<AsOf>(), Ok(AsOf::Version(42)));
        let t: DateTime<Utc> = "2026-03-01T07:00:00Z".parse().unwrap();
        assert_eq!(
            "2026-03-01T12:00:00+05:00".parse::<AsOf>(),
            Ok(AsOf::Time(t))
        );
        assert_eq!(
            "2026-03-01T12:00:00 05:00".parse::<AsOf>(),
            Ok(AsOf::Time(t))
        );
        assert_eq!("2026-03-01T07:00:00Z".parse::<AsOf>(), Ok(AsOf::Time(t)));
        for bad in [
            "0",
            "-1",
            "abc",
            "",
            "1.5",
            "99999999999999999999",
            "2026-03-01",
            "2026-03-01T12:00:00",
        ] {
            assert!(bad.parse::<AsOf>().is_err(), "{bad}");
        }
    }
}
