//! Query-parameter types shared by the v1 collections, each parsed with a message that says
//! what is allowed.

use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};

use crate::domain::{ActorId, PartialDate};
use crate::store::incidents::BBox;
use crate::store::keyset::DateRange;

/// Implements `Deserialize` through `FromStr`, so the parse error text reaches the client.
macro_rules! deserialize_from_str {
    ($t:ty) => {
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

/// Page size: 1 to 500, default 50.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit(u32);

impl Limit {
    pub const DEFAULT: u32 = 50;
    pub const MAX: u32 = 500;

    /// The page size asked for, or the default.
    pub fn or_default(limit: Option<Limit>) -> u32 {
        limit.map_or(Self::DEFAULT, |l| l.0)
    }
}

impl FromStr for Limit {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.parse::<u32>() {
            Ok(n) if (1..=Self::MAX).contains(&n) => Ok(Self(n)),
            _ => Err(format!(
                "must be a whole number from 1 to {}, got `{s}`",
                Self::MAX
            )),
        }
    }
}
deserialize_from_str!(Limit);

/// A date as `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (a real calendar date: 29 February only in leap
/// years). A lower bound (`from`) means its first day, an upper bound (`to`) its last, so
/// `from=2025-10&to=2025-10` is the whole of October; `from` must not be after `to`.
#[derive(Debug, Clone, PartialEq, Eq, utoipa::ToSchema)]
#[schema(
    value_type = String,
    example = "2026-02",
    pattern = "^((000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})(-(0[1-9]|1[0-2]))?|(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-(0[13-9]|1[0-2])-(29|30)|(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-(0[13578]|1[02])-31|([0-9]{2}(0[48]|[2468][048]|[13579][26])|(0[48]|[2468][048]|[13579][26])00)-02-29)$"
)]
pub struct DateBound(PartialDate);

impl DateBound {
    /// The first day, for a lower bound.
    pub fn first_day(&self) -> NaiveDate {
        self.0.start()
    }
    /// The last day, for an upper bound.
    pub fn last_day(&self) -> NaiveDate {
        self.0.end()
    }
}

impl FromStr for DateBound {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match PartialDate::parse(s) {
            Ok(d) if !s.contains('/') => Ok(Self(d)),
            _ => Err(format!(
                "must be a date as YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2026-02-27), got `{s}`"
            )),
        }
    }
}
deserialize_from_str!(DateBound);

/// The days from the first of `from` to the last of `to`; a 400 if `from` is after `to`.
pub fn date_range(
    from: Option<&DateBound>,
    to: Option<&DateBound>,
) -> Result<DateRange, crate::error::ApiError> {
    let from = from.map(DateBound::first_day);
    let to = to.map(DateBound::last_day);
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        return Err(crate::error::ApiError::invalid(
            "from",
            format!("must not be after `to` ({f} is after {t})"),
        ));
    }
    Ok(DateRange { from, to })
}

/// A bounding box `min_lon,min_lat,max_lon,max_lat` (west, south, east, north) in decimal
/// degrees; each minimum at most its maximum (boxes across the antimeridian are not supported).
#[derive(Debug, Clone, Copy, PartialEq, utoipa::ToSchema)]
#[schema(
    value_type = String,
    example = "60.5,29.3,75.2,37.1",
    pattern = "^(-?(180(\\.0+)?|(1[0-7][0-9]|[0-9]{1,2})(\\.[0-9]+)?)),(-?(90(\\.0+)?|[0-8]?[0-9](\\.[0-9]+)?)),(-?(180(\\.0+)?|(1[0-7][0-9]|[0-9]{1,2})(\\.[0-9]+)?)),(-?(90(\\.0+)?|[0-8]?[0-9](\\.[0-9]+)?))$"
)]
pub struct BBoxParam(pub BBox);

impl FromStr for BBoxParam {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = |why: &str| {
            format!("must be min_lon,min_lat,max_lon,max_lat in decimal degrees ({why}), got `{s}`")
        };
        let n: Vec<f64> = s
            .split(',')
            .map(|p| p.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|_| bad("four numbers"))?;
        let [min_lon, min_lat, max_lon, max_lat] = n[..] else {
            return Err(bad("four numbers"));
        };
        if n.iter().any(|v| !v.is_finite()) {
            return Err(bad("four numbers"));
        }
        if !(-180.0..=180.0).contains(&min_lon) || !(-180.0..=180.0).contains(&max_lon) {
            return Err(bad("longitudes from -180 to 180"));
        }
        if !(-90.0..=90.0).contains(&min_lat) || !(-90.0..=90.0).contains(&max_lat) {
            return Err(bad("latitudes from -90 to 90"));
        }
        if min_lon > max_lon || min_lat > max_lat {
            return Err(bad(
                "min before max; boxes across the antimeridian are not supported",
            ));
        }
        Ok(Self(BBox {
            min_lon,
            min_lat,
            max_lon,
            max_lat,
        }))
    }
}
deserialize_from_str!(BBoxParam);

/// A comma-separated list of distinct actor ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorList(pub Vec<ActorId>);

impl FromStr for ActorList {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let mut ids: Vec<ActorId> = Vec::new();
        for part in s.split(',') {
            let id = ActorId::parse(part.trim()).map_err(|e| e.to_string())?;
            if ids.contains(&id) {
                return Err(format!("lists `{id}` twice"));
            }
            ids.push(id);
        }
        Ok(Self(ids))
    }
}
deserialize_from_str!(ActorList);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_is_bounded() {
        assert_eq!("1".parse::<Limit>().unwrap(), Limit(1));
        assert_eq!("500".parse::<Limit>().unwrap(), Limit(500));
        for bad in ["0", "501", "100000", "-1", "ten", "", "1.5"] {
            assert!(bad.parse::<Limit>().is_err(), "{bad}");
        }
    }

    #[test]
    fn bbox_is_checked() {
        let b = "60,29,75,37".parse::<BBoxParam>().unwrap().0;
        assert_eq!((b.min_lon, b.max_lat), (60.0, 37.0));
        for bad in [
            "60,29,75",
            "a,b,c,d",
            "75,29,60,37",
            "0,-91,1,1",
            "NaN,0,1,1",
            "0,0,181,1",
        ] {
            assert!(bad.parse::<BBoxParam>().is_err(), "{bad}");
        }
    }

    #[test]
    fn date_bounds_cover_their_period() {
        let b: DateBound = "2025-10".parse().unwrap();
        assert_eq!(b.first_day().to_string(), "2025-10-01");
        assert_eq!(b.last_day().to_string(), "2025-10-31");
        assert!("2025-10-01/2025-10-02".parse::<DateBound>().is_err());
        assert!("yesterday".parse::<DateBound>().is_err());
    }
}

/// Longest search text, in characters.
const MAX_QUERY_CHARS: usize = 200;

/// A full-text query: 1 to 200 characters, not all blank, web-search syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchText(pub String);

// By hand rather than derived: the derive cannot say `minLength`/`maxLength` for a newtype.
// The pattern asks for one character that `str::trim` does not remove, spelled out because
// regex engines disagree on what `\s` means, and for no NUL anywhere.
impl utoipa::PartialSchema for SearchText {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some(
                "Search text: 1 to 200 characters, not all white space and without NUL, in web-search syntax.",
            ))
            .min_length(Some(1))
            .max_length(Some(MAX_QUERY_CHARS))
            .pattern(Some(
                r"^[^\u0000]*[^\u0000\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\u0000]*$",
            ))
            .examples(["Bajaur"])
            .into()
    }
}

impl utoipa::ToSchema for SearchText {}

impl FromStr for SearchText {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let chars = s.chars().count();
        if s.contains('\0') {
            return Err(crate::extract::NUL_IN_TEXT.to_owned());
        }
        if s.trim().is_empty() || chars > MAX_QUERY_CHARS {
            let blank = if chars > 0 && s.trim().is_empty() {
                " of blank space"
            } else {
                ""
            };
            Err(format!(
                "must be 1 to {MAX_QUERY_CHARS} characters of search text, got {chars} characters{blank}"
            ))
        } else {
            Ok(Self(s.trim().to_owned()))
        }
    }
}
deserialize_from_str!(SearchText);
