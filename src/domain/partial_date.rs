//! Partial dates: a day, a month, a year, or a range of days, stored with their precision.
//!
//! Many events are known only to the month or the year, some only by one end ("an offensive
//! that ended in 2016", "said by 27 February 2026"). A partial date keeps what was said
//! (`value`), how precise it is, and the first and last day it may mean (null on an open
//! side, as EDTF writes `../2016` and `2022/..`), so that range filters can match on overlap
//! without pretending to know more than the source did.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;
use utoipa::openapi::{RefOr, schema::Schema};
use utoipa::{PartialSchema, ToSchema};

/// How precise a partial date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DatePrecision {
    /// A single day: `2026-02-27`.
    Day,
    /// A calendar month: `2025-10`.
    Month,
    /// A calendar year: `2007`.
    Year,
    /// A span of days known only to lie between two dates: `2026-02-21/2026-02-22`; either
    /// side may be open (`../2016`: on or before 2016; `2022/..`: from 2022 on).
    Range,
}

impl DatePrecision {
    /// The name used in JSON and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Month => "month",
            Self::Year => "year",
            Self::Range => "range",
        }
    }
}

/// Why a string is not a partial date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a date: use YYYY, YYYY-MM, YYYY-MM-DD, or a range START/END of those, where one side may be `..` (open: `../2016`, `2022/..`)"
)]
pub struct InvalidDate(pub String);

/// A date known to a day, a month, a year, or a range of days (possibly open on one side).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartialDate {
    value: String,
    precision: DatePrecision,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
}

/// The value pattern: `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, or `START/END` of those where one side
/// may be `..`. Years run from 0001 to 9999 (there is no year 0, and an open start is stored
/// as 0001-01-01).
pub const PATTERN: &str = r"^(((000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})(-(0[1-9]|1[0-2]))?|(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-(0[13-9]|1[0-2])-(29|30)|(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-(0[13578]|1[02])-31|([0-9]{2}(0[48]|[2468][048]|[13579][26])|(0[48]|[2468][048]|[13579][26])00)-02-29)(/(((000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})(-(0[1-9]|1[0-2]))?|(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-(0[13-9]|1[0-2])-(29|30)|(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-(0[13578]|1[02])-31|([0-9]{2}(0[48]|[2468][048]|[13579][26])|(0[48]|[2468][048]|[13579][26])00)-02-29)|\.\.))?|\.\./((000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})(-(0[1-9]|1[0-2]))?|(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-(0[13-9]|1[0-2])-(29|30)|(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-(0[13578]|1[02])-31|([0-9]{2}(0[48]|[2468][048]|[13579][26])|(0[48]|[2468][048]|[13579][26])00)-02-29))$";

/// The day stored for an open start: before any date the dataset can hold.
pub const EARLIEST: NaiveDate = NaiveDate::from_ymd_opt(1, 1, 1).expect("a valid date");
/// The day stored for an open end: after any date the dataset can hold.
pub const LATEST: NaiveDate = NaiveDate::from_ymd_opt(9999, 12, 31).expect("a valid date");

/// The JSON shape of a partial date (what the API serves and the spec documents).
#[derive(Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"value": "2025-10", "precision": "month", "start": "2025-10-01", "end": "2025-10-31"}))]
struct PartialDateJson {
    /// The date as the source gave it: `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, or `START/END` of
    /// those, where one side may be `..` (open): `../2016` is "on or before 2016", `2022/..`
    /// "from 2022 on".
    // The same text as `PATTERN` (the attribute takes a literal; a test compares them).
    #[schema(
        pattern = r"^(((000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})(-(0[1-9]|1[0-2]))?|(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-(0[13-9]|1[0-2])-(29|30)|(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-(0[13578]|1[02])-31|([0-9]{2}(0[48]|[2468][048]|[13579][26])|(0[48]|[2468][048]|[13579][26])00)-02-29)(/(((000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})(-(0[1-9]|1[0-2]))?|(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-(0[13-9]|1[0-2])-(29|30)|(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-(0[13578]|1[02])-31|([0-9]{2}(0[48]|[2468][048]|[13579][26])|(0[48]|[2468][048]|[13579][26])00)-02-29)|\.\.))?|\.\./((000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})(-(0[1-9]|1[0-2]))?|(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-(0[13-9]|1[0-2])-(29|30)|(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-(0[13578]|1[02])-31|([0-9]{2}(0[48]|[2468][048]|[13579][26])|(0[48]|[2468][048]|[13579][26])00)-02-29))$"
    )]
    value: String,
    precision: DatePrecision,
    /// First day the date may mean; null when the start is open (unknown, unbounded).
    start: Option<NaiveDate>,
    /// Last day the date may mean; null when the end is open.
    end: Option<NaiveDate>,
}

/// Parses one `YYYY`, `YYYY-MM` or `YYYY-MM-DD` into its first day, last day and precision.
fn parse_period(s: &str) -> Option<(NaiveDate, NaiveDate, DatePrecision)> {
    let parts: Vec<&str> = s.split('-').collect();
    let number = |p: &str, len: usize| -> Option<u32> {
        (p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    // Years from 1: year 0 does not exist, and would end before an open start (0001-01-01).
    let number = |p: &str, len: usize| number(p, len).filter(|&n| len != 4 || n >= 1);
    match parts.as_slice() {
        [y] => {
            let y = number(y, 4)? as i32;
            Some((
                NaiveDate::from_ymd_opt(y, 1, 1)?,
                NaiveDate::from_ymd_opt(y, 12, 31)?,
                DatePrecision::Year,
            ))
        }
        [y, m] => {
            let (y, m) = (number(y, 4)? as i32, number(m, 2)?);
            let start = NaiveDate::from_ymd_opt(y, m, 1)?;
            let next = if m == 12 {
                NaiveDate::from_ymd_opt(y + 1, 1, 1)?
            } else {
                NaiveDate::from_ymd_opt(y, m + 1, 1)?
            };
            Some((start, next.pred_opt()?, DatePrecision::Month))
        }
        [y, m, d] => {
            let day = NaiveDate::from_ymd_opt(number(y, 4)? as i32, number(m, 2)?, number(d, 2)?)?;
            Some((day, day, DatePrecision::Day))
        }
        _ => None,
    }
}

impl PartialDate {
    /// Parses `YYYY`, `YYYY-MM`, `YYYY-MM-DD` or `START/END` (each side one of those, or `..`
    /// for an open side; not both).
    pub fn parse(s: &str) -> Result<Self, InvalidDate> {
        let invalid = || InvalidDate(s.to_owned());
        let (start, end, precision) = match s.split_once('/') {
            None => {
                let (start, end, precision) = parse_period(s).ok_or_else(invalid)?;
                (Some(start), Some(end), precision)
            }
            Some((a, b)) => {
                let start = match a {
                    ".." => None,
                    a => Some(parse_period(a).ok_or_else(invalid)?.0),
                };
                let end = match b {
                    ".." => None,
                    b => Some(parse_period(b).ok_or_else(invalid)?.1),
                };
                match (start, end) {
                    (None, None) => return Err(invalid()),
                    (Some(a), Some(b)) if a > b => return Err(invalid()),
                    _ => {}
                }
                (start, end, DatePrecision::Range)
            }
        };
        Ok(Self {
            value: s.to_owned(),
            precision,
            start,
            end,
        })
    }

    /// A single, exact day.
    pub fn day(day: NaiveDate) -> Self {
        Self {
            value: day.format("%Y-%m-%d").to_string(),
            precision: DatePrecision::Day,
            start: Some(day),
            end: Some(day),
        }
    }

    /// The date as the source gave it.
    pub fn value(&self) -> &str {
        &self.value
    }
    /// How precise the date is.
    pub fn precision(&self) -> DatePrecision {
        self.precision
    }
    /// The first day the date may mean; [`EARLIEST`] when the start is open. This is the
    /// value stored, sorted and compared; [`PartialDate::first_day`] says whether it is known.
    pub fn start(&self) -> NaiveDate {
        self.start.unwrap_or(EARLIEST)
    }
    /// The last day the date may mean; [`LATEST`] when the end is open.
    pub fn end(&self) -> NaiveDate {
        self.end.unwrap_or(LATEST)
    }
    /// The first day the date may mean, or `None` when the start is open.
    pub fn first_day(&self) -> Option<NaiveDate> {
        self.start
    }
    /// The last day the date may mean, or `None` when the end is open.
    pub fn last_day(&self) -> Option<NaiveDate> {
        self.end
    }
    /// The calendar year of the first day (of the last, when the start is open).
    pub fn year(&self) -> i32 {
        self.start.or(self.end).map_or(1, |d| d.year())
    }
}

impl FromStr for PartialDate {
    type Err = InvalidDate;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

impl Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        PartialDateJson {
            value: self.value.clone(),
            precision: self.precision,
            start: self.start,
            end: self.end,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    /// Accepts the bare string (as the dataset files write it) or the served object, whose
    /// `value` alone decides; `start`, `end` and `precision` must agree with it if present.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form {
            Text(String),
            Object {
                value: String,
                precision: Option<DatePrecision>,
                #[serde(default, deserialize_with = "present")]
                start: Option<Option<NaiveDate>>,
                #[serde(default, deserialize_with = "present")]
                end: Option<Option<NaiveDate>>,
            },
        }
        /// Tells a field given as `null` (`Some(None)`) from a field left out (`None`).
        fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<NaiveDate>>, D::Error> {
            Option::<NaiveDate>::deserialize(d).map(Some)
        }
        let date = match Form::deserialize(deserializer)? {
            Form::Text(s) => PartialDate::parse(&s).map_err(serde::de::Error::custom)?,
            Form::Object {
                value,
                precision,
                start,
                end,
            } => {
                let date = PartialDate::parse(&value).map_err(serde::de::Error::custom)?;
                let agrees = precision.is_none_or(|p| p == date.precision)
                    && start.is_none_or(|d| d == date.start)
                    && end.is_none_or(|d| d == date.end);
                // (`start`/`end` given as null must mean an open side.)
                if !agrees {
                    return Err(serde::de::Error::custom(format!(
                        "precision, start and end do not agree with the date `{value}`"
                    )));
                }
                date
            }
        };
        Ok(date)
    }
}

// The served shape is `PartialDateJson`; these impls give it the component name `PartialDate`.
impl PartialSchema for PartialDate {
    fn schema() -> RefOr<Schema> {
        <PartialDateJson as PartialSchema>::schema()
    }
}

impl ToSchema for PartialDate {
    fn name() -> std::borrow::Cow<'static, str> {
        "PartialDate".into()
    }
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        <PartialDateJson as ToSchema>::schemas(schemas);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_month_spans_its_days() {
        let date = PartialDate::parse("2025-10").unwrap();
        assert_eq!(date.precision(), DatePrecision::Month);
        assert_eq!(
            (date.start(), date.end()),
            (d("2025-10-01"), d("2025-10-31"))
        );
        let feb = PartialDate::parse("2024-02").unwrap();
        assert_eq!(feb.end(), d("2024-02-29"));
        let dec = PartialDate::parse("2025-12").unwrap();
        assert_eq!(dec.end(), d("2025-12-31"));
    }

    #[test]
    fn a_year_and_a_day_and_a_range() {
        let year = PartialDate::parse("2007").unwrap();
        assert_eq!(
            (year.start(), year.end()),
            (d("2007-01-01"), d("2007-12-31"))
        );
        let day = PartialDate::parse("2026-02-27").unwrap();
        assert_eq!(day.precision(), DatePrecision::Day);
        let range = PartialDate::parse("2026-02-21/2026-02-22").unwrap();
        assert_eq!(range.precision(), DatePrecision::Range);
        assert_eq!(
            (range.start(), range.end()),
            (d("2026-02-21"), d("2026-02-22"))
        );
    }

    #[test]
    fn a_range_may_be_open_on_one_side() {
        let before = PartialDate::parse("../2016").unwrap();
        assert_eq!(before.precision(), DatePrecision::Range);
        assert_eq!(before.first_day(), None);
        assert_eq!(before.last_day(), Some(d("2016-12-31")));
        assert_eq!((before.start(), before.end()), (EARLIEST, d("2016-12-31")));
        let since = PartialDate::parse("2022/..").unwrap();
        assert_eq!(since.first_day(), Some(d("2022-01-01")));
        assert_eq!(since.last_day(), None);
        assert_eq!(since.end(), LATEST);
        let json = serde_json::to_value(&before).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"value": "../2016", "precision": "range", "start": null, "end": "2016-12-31"})
        );
        assert_eq!(serde_json::from_value::<PartialDate>(json).unwrap(), before);
        let lying = serde_json::json!({"value": "../2016", "start": "2016-01-01"});
        assert!(serde_json::from_value::<PartialDate>(lying).is_err());
        let regex = regex::Regex::new(PATTERN).unwrap();
        let served =
            serde_json::to_value(<PartialDateJson as utoipa::PartialSchema>::schema()).unwrap();
        assert_eq!(served["properties"]["value"]["pattern"], PATTERN);
        for ok in [
            "2016",
            "2025-10",
            "2026-02-27",
            "../2016",
            "2022/..",
            "2025-10/2026-02-27",
        ] {
            assert!(regex.is_match(ok), "{ok}");
        }
        for bad in ["..", "../..", "2016/", "/2016", "2016/../2017"] {
            assert!(
                !regex.is_match(bad) || PartialDate::parse(bad).is_err(),
                "{bad}"
            );
            assert!(PartialDate::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn malformed_dates_are_rejected() {
        for bad in [
            "",
            "26",
            "2025-1",
            "2025-13",
            "2025-02-30",
            "2025/10",
            "2026-02-22/2026-02-21",
            "2025-10-01T00:00",
            " 2025",
            "+2025",
            "2025--1",
            "a/b",
            "2025/",
            "..",
            "../..",
            "/2016",
            "2017/../2016",
        ] {
            assert!(
                PartialDate::parse(bad).is_err(),
                "{bad:?} should be rejected"
            );
        }
        // There is no year 0, and it would end before an open start (0001-01-01); nor a
        // month 13, a day 32 or a 29 February outside leap years: refused by the parser and
        // by the published pattern alike.
        let pattern = regex::Regex::new(PATTERN).unwrap();
        for bad in [
            "0000",
            "0000-12",
            "../0000",
            "0000-01-01/2016",
            "2026-13",
            "2026-00",
            "2026-02-32",
            "2026-02-30",
            "2026-04-31",
            "2023-02-29",
            "1900-02-29",
            "2026-13/..",
            "../2026-12-32",
        ] {
            assert!(
                PartialDate::parse(bad).is_err(),
                "{bad:?} should be rejected"
            );
            assert!(
                !pattern.is_match(bad),
                "{bad:?} matches the published pattern"
            );
        }
        for good in [
            "0001",
            "2024-02-29",
            "2000-02-29",
            "2025-10/2026-02-27",
            "../2016",
        ] {
            assert!(
                PartialDate::parse(good).is_ok() && pattern.is_match(good),
                "{good}"
            );
        }
    }

    #[test]
    fn serves_an_object_and_reads_either_form() {
        let date = PartialDate::parse("2025-10").unwrap();
        let json = serde_json::to_value(&date).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"value": "2025-10", "precision": "month", "start": "2025-10-01", "end": "2025-10-31"})
        );
        assert_eq!(serde_json::from_value::<PartialDate>(json).unwrap(), date);
        assert_eq!(
            serde_json::from_str::<PartialDate>("\"2025-10\"").unwrap(),
            date
        );
        let lying = serde_json::json!({"value": "2025-10", "precision": "day"});
        assert!(serde_json::from_value::<PartialDate>(lying).is_err());
    }
}
